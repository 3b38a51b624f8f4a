/** A failure shown where it happened, in the words the core wrote for admins. */
export function InlineError({ message, testId, id }: { message: string | null | undefined; testId?: string; id?: string }) {
  if (!message) return null;
  return (
    <p className="inline-error" role="alert" id={id} data-testid={testId}>
      {message}
    </p>
  );
}
