import { Fragment } from 'react';

/** Text with `code` spans and *emphasis*, nothing more: lesson texts and classifier witnesses are ours. */
export function Rich({ text }: { text: string }) {
  const parts = text.split(/(`[^`]+`|\*[^*\s][^*]*\*)/);
  return (
    <>
      {parts.map((p, i) =>
        p.startsWith('`') ? <code key={i}>{p.slice(1, -1)}</code> : p.startsWith('*') && p.length > 2 ? <em key={i}>{p.slice(1, -1)}</em> : <Fragment key={i}>{p}</Fragment>,
      )}
    </>
  );
}
