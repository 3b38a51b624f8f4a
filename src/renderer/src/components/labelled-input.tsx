import { TextInput, type TextInputProps } from './text-input.tsx';

/** A text input inside its visible label. */
export function LabelledInput({ label, ...input }: TextInputProps & { label: string }) {
  return (
    <label>
      {label} <TextInput {...input} />
    </label>
  );
}
