/**
 * Extension points: how a capability lets others take part in what it does without importing them. It offers a
 * typed point (`extensionPoint`); the others list what they plug into it in their manifests (`extension`); the
 * composition root hands every manifest's extensions to the services, where the offering capability reads them.
 */

export interface ExtensionPoint<T> {
  readonly name: string;
  /** Never set: it carries the type of what plugs in. */
  readonly plugs?: T;
}

export function extensionPoint<T>(name: string): ExtensionPoint<T> {
  return { name };
}

export interface Extension {
  readonly point: ExtensionPoint<unknown>;
  readonly value: unknown;
}

export function extension<T>(point: ExtensionPoint<T>, value: T): Extension {
  return { point, value };
}

export interface Extensions {
  /** What plugs into `point`, in the order the manifests list it. */
  of<T>(point: ExtensionPoint<T>): readonly T[];
}

export function extensionsOf(list: readonly Extension[]): Extensions {
  return {
    // `extension` only pairs a point with a value of its type.
    of: <T>(point: ExtensionPoint<T>) => list.filter((e) => e.point === point).map((e) => e.value as T),
  };
}
