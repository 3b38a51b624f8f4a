import type { InputHTMLAttributes } from 'react';

export type TextInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & {
  value: string;
  /** The text as it changes. */
  onChange: (value: string) => void;
  testId: string;
};

/** A controlled text input that reports its text, not the change event. */
export function TextInput({ value, onChange, testId, ...input }: TextInputProps) {
  return <input {...input} value={value} onChange={(event) => onChange(event.target.value)} data-testid={testId} />;
}
