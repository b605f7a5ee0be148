import type { ReactNode } from 'react';

/** A card of the lab's views: a section under its heading. */
export function Card({ title, children }: { title: ReactNode; children: ReactNode }) {
  return (
    <section className="card">
      <h3>{title}</h3>
      {children}
    </section>
  );
}
