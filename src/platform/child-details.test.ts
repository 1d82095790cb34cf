import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childDetailsSchema, errorLinks, readChildForm } from './child-details.js';
import { fieldErrors } from './validation.js';
import { createViews } from './web/views.js';

describe('a child’s details', () => {
  it('reads the child’s boxes and the form’s own, and says which date is part-filled', () => {
    const read = readChildForm(
      {
        surname: ' Smith ',
        forename: 'Ann',
        'dob-day': '3',
        'dob-month': '4',
        'dob-year': '2016',
        sex: 'F',
        'joined-day': '9',
        previousLAEstab: '8232003',
        unasked: 'kept out',
      },
      { fields: ['previousLAEstab'], dates: { joinedOn: ['joined', 'Date joined'] } },
    );
    assert.deepEqual(read.child, { surname: ' Smith ', forename: 'Ann', dateOfBirth: '2016-04-03', sex: 'F', upn: '' });
    assert.deepEqual(read.dates, { joinedOn: '' });
    assert.deepEqual(read.dateErrors, [
      { field: 'joinedOn', message: 'Date joined must include a day, month and year, like 27 3 2016' },
    ]);
    assert.equal(read.values.previousLAEstab, '8232003');
    assert.equal(read.values['joined-day'], '9');
    assert.equal('unasked' in read.values, false);
  });

  it('links the child’s fields to their boxes, the form’s through its own, and any other as asked', () => {
    const errors = [
      { field: 'dateOfBirth', message: 'a' },
      { field: 'joinedOn', message: 'b' },
      { field: 'recipients.0.laCode', message: 'c' },
    ];
    assert.deepEqual(
      errorLinks(errors, { ids: { joinedOn: 'joined-day' } }).map((l) => l.href),
      ['#dob-day', '#joined-day', '#recipients-0-laCode'],
    );
    assert.deepEqual(
      errorLinks(errors, { otherwise: 'surname' }).map((l) => l.href),
      ['#dob-day', '#surname', '#surname'],
    );
  });

  it('asks for a pupil’s or a child’s details in its own word, and checks the UPN’s check letter', () => {
    const parsed = childDetailsSchema('pupil')
      .strict()
      .safeParse({ surname: '', forename: ' ', dateOfBirth: '', upn: 'A123' });
    assert.equal(parsed.success, false);
    assert.deepEqual(fieldErrors(parsed.error!, ''), [
      { field: 'surname', message: 'Enter the pupil’s surname' },
      { field: 'forename', message: 'Enter the pupil’s first name' },
      { field: 'dateOfBirth', message: 'Enter the pupil’s date of birth' },
      { field: 'upn', message: 'Enter a UPN of 13 characters with a correct check letter' },
    ]);
    const child = childDetailsSchema('child').safeParse({ forename: 'Ann', dateOfBirth: '2016-04-03' });
    assert.equal(child.error?.issues[0]?.message, 'Enter the child’s surname');
  });

  it('draws the child’s boxes with what was typed, each error on its own box', () => {
    const views = createViews();
    const draw = (options: string, errors: { text: string; href: string }[]) =>
      views.renderString(
        `{% from "platform/views/child-details.njk" import childDetails %}{{ childDetails(values, errors, ${options}) }}`,
        { values: { surname: 'O’Neil', 'dob-day': '3', sex: 'M' }, errors },
      );
    const html = draw('{ upnLabel: "UPN" }', [
      { text: 'Enter the pupil’s first name', href: '#forename' },
      { text: 'Date of birth must include a day, month and year', href: '#dob-day' },
    ]);
    assert.match(html, /id="surname" name="surname" type="text" spellcheck="false" value="O’Neil"/);
    assert.match(html, /id="forename-error"[^]*Enter the pupil’s first name/);
    assert.match(html, /id="dob-error"[^]*Date of birth must include/);
    assert.match(html, /id="dob-day" name="dob-day" type="text" value="3"/);
    assert.match(html, /value="M" checked/);
    assert.match(html, /for="upn">\s*UPN\s*</);
    assert.doesNotMatch(html, /id="surname-error"/);
    assert.match(html, /For example, 27 3 2016/);
    assert.doesNotMatch(draw('{ dobHint: false }', []), /For example/);
  });
});
