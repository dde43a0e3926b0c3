// A code editor (CodeMirror) for JSON documents and JSONata expressions.
import { json } from '@codemirror/lang-json';
import CodeMirror from '@uiw/react-codemirror';
import { useDarkScheme } from '../hooks/useDarkScheme';

export function CodeEditor({ value, onChange, language = 'json', label, height = '240px' }: {
  value: string;
  onChange: (v: string) => void;
  language?: 'json' | 'text';
  label: string;
  height?: string;
}) {
  const dark = useDarkScheme();
  return (
    <div className="code-editor" aria-label={label}>
      <CodeMirror value={value} theme={dark ? 'dark' : 'light'} height={height} extensions={language === 'json' ? [json()] : []} onChange={onChange} basicSetup={{ foldGutter: false }} />
    </div>
  );
}
