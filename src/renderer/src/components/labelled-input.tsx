import type { InputHTMLAttributes } from 'react';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>;

/** A text input inside its visible label, reporting the text as it changes. */
export function LabelledInput({ label, value, onChange, testId, ...input }: InputProps & { label: string; value: string; onChange: (value: string) => void; testId: string }) {
  return (
    <label>
      {label}{' '}
      <input {...input} value={value} onChange={(event) => onChange(event.target.value)} data-testid={testId} />
    </label>
  );
}
