/** A failure shown where it happened, in the words the core wrote for admins. */
export function InlineError({ message, testId }: { message: string | null | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <p className="inline-error" role="alert" data-testid={testId}>
      {message}
    </p>
  );
}
