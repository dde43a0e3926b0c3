// A code editor (CodeMirror) for JSON documents and JSONata expressions. With a `name` (the
// API's field path) inside a Form, the API's message about it shows beneath it; inside a
// Field, the field's aria-invalid / aria-describedby arrive as props.
import { json } from '@codemirror/lang-json';
import CodeMirror from '@uiw/react-codemirror';
import { useDarkScheme } from '../hooks/useDarkScheme';
import { useFieldError } from './FormErrors';

export function CodeEditor({ value, onChange, language = 'json', label, height = '240px', name, ...aria }: {
  value: string;
  onChange: (v: string) => void;
  language?: 'json' | 'text';
  label: string;
  height?: string;
  name?: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}) {
  const own = useFieldError(name);
  const dark = useDarkScheme();
  return (
    <>
      <div className="code-editor" aria-label={label} {...aria} {...own.inputProps}>
        <CodeMirror value={value} theme={dark ? 'dark' : 'light'} height={height} extensions={language === 'json' ? [json()] : []} onChange={onChange} basicSetup={{ foldGutter: false }} />
      </div>
      {own.note}
    </>
  );
}
