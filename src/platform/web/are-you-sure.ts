/**
 * "Are you sure?" before what cannot be undone (removing a file, resetting two-factor, marking a child found,
 * closing an enquiry). The action's form posts without `confirmed`: it is answered with this question page, whose
 * button posts the same fields again with `confirmed=yes`. It needs no JavaScript, and the API is not asked.
 */
import type { FastifyReply } from 'fastify';

export interface Question {
  heading: string;
  /** What is being acted on, as summary list rows. */
  rows?: Array<{ key: { text: string }; value: { text: string } }>;
  explanation?: string[];
  warning?: string;
  /** Where the confirming form posts: the action's own address. */
  action: string;
  /** The action's fields, posted again. */
  fields?: Record<string, string>;
  confirm: string;
  cancel: string;
  destructive?: boolean;
}

/** Whether a posted form is the answer to the question page. */
export function isConfirmed(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>).confirmed === 'yes';
}

export function askAreYouSure(reply: FastifyReply, question: Question): FastifyReply {
  return reply.render('platform/views/are-you-sure.njk', {
    title: question.heading,
    question,
    backLink: question.cancel,
  });
}
