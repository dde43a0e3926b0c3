// A source's transposer (custom sources) in an editor, and a sample run through the source
// as it would be ingested — with the draft transposer — showing the normalized events or
// the API's messages. Nothing is stored by a test.
import { useState } from 'react';
import { ApiError } from '../api/client';
import { sourceApi, type Source } from '../api/sources';
import { ActionButton } from '../components/Action';
import { Form } from '../components/FormErrors';
import { CodeEditor } from '../components/CodeEditor';
import { Json } from '../components/Json';

export function SourceTester({ source, sample, onSample, onSaved }: {
  source: Source;
  sample: string;
  onSample: (s: string) => void;
  onSaved: () => Promise<void>;
}) {
  const custom = source.dialect === 'custom';
  const [transposer, setTransposer] = useState(source.transposer ?? '');
  const [result, setResult] = useState<unknown[] | null>(null);
  const test = async () => {
    setResult(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(sample);
    } catch (e) {
      throw new ApiError(400, [`sample: not valid JSON (${(e as Error).message})`]);
    }
    const { events } = await sourceApi.test(source.id, parsed, custom ? transposer : undefined);
    setResult(events);
    return `${events.length} event${events.length === 1 ? '' : 's'} would be stored`;
  };
  const save = async () => {
    await sourceApi.update(source.id, { transposer });
    await onSaved();
    return 'Transposer saved';
  };
  return (
    <Form className="source-tester" aria-label={`transposer and sample of ${source.name}`}>
      <div className="columns">
        {custom && (
          <div>
            <h4>Transposer (JSONata)</h4>
            <CodeEditor name="transposer" label={`transposer of ${source.name}`} language="text" value={transposer} onChange={setTransposer} height="180px" />
            <ActionButton label="Save transposer" disabled={transposer === (source.transposer ?? '')} run={save} />
          </div>
        )}
        <div>
          <h4>Sample payload</h4>
          <CodeEditor name="sample" label={`sample for ${source.name}`} value={sample} onChange={onSample} height="180px" />
          <ActionButton label="Test on a sample" className="primary" run={test} />
        </div>
      </div>
      {result && <Json label="Normalized events (not stored)" data={result} expand={2} />}
    </Form>
  );
}
