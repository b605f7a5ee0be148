/** The Venn diagram of privileged, sensitive and user-sensitive instructions (D3), violators marked. */
import * as d3 from 'd3';
import { useEffect, useRef } from 'react';
import { CIRCLES, REGION_TEXT, place, type ClassBits } from './venn';
import { SvgExport } from '../views/Export';

export function Venn({ classes, onPick }: { classes: readonly ClassBits[]; onPick?(mnemonic: string): void }) {
  const ref = useRef<SVGSVGElement>(null);
  const pick = useRef(onPick);
  useEffect(() => {
    pick.current = onPick;
  });
  useEffect(() => {
    const svg = d3.select(ref.current!);
    svg.selectAll('*').remove();
    const { placed, outside, unresolved } = place(classes);
    const circles = [
      { key: 'P', ...CIRCLES.P },
      { key: 'S', ...CIRCLES.S },
      { key: 'U', ...CIRCLES.U },
    ];
    svg
      .append('g')
      .selectAll('circle')
      .data(circles)
      .join('circle')
      .attr('class', (d) => `venn-set venn-${d.key}`)
      .attr('cx', (d) => d.cx)
      .attr('cy', (d) => d.cy)
      .attr('r', (d) => d.r);
    svg
      .append('g')
      .selectAll('text')
      .data(circles)
      .join('text')
      .attr('class', (d) => `venn-label venn-label-${d.key}`)
      .attr('x', (d) => (d.key === 'P' ? d.cx - 60 : d.key === 'S' ? d.cx + 60 : d.cx + 20))
      .attr('y', (d) => (d.key === 'U' ? d.cy + d.r - 10 : d.cy - d.r + 26))
      .attr('text-anchor', 'middle')
      .text((d) => d.label);
    const g = svg
      .append('g')
      .selectAll('g')
      .data(placed)
      .join('g')
      .attr('class', (d) => `venn-item${d.t1 || d.t3 ? ' violator' : ''}`)
      .attr('data-mnemonic', (d) => d.mnemonic)
      .attr('data-region', (d) => d.region)
      .attr('transform', (d) => `translate(${d.x},${d.y})`)
      .style('cursor', 'pointer')
      .on('click', (_e, d) => pick.current?.(d.mnemonic));
    g.append('title').text((d) => `${d.mnemonic}: ${REGION_TEXT[d.region]}`);
    g.filter((d) => d.t1 || d.t3)
      .append('rect')
      .attr('class', 'venn-violator-box')
      .attr('x', (d) => -(d.mnemonic.length * 3.6 + 12))
      .attr('y', -11)
      .attr('width', (d) => d.mnemonic.length * 7.2 + 24)
      .attr('height', 15)
      .attr('rx', 4);
    g.append('text')
      .attr('text-anchor', 'middle')
      .text((d) => (d.t1 || d.t3 ? `✗ ${d.mnemonic}` : d.mnemonic));
    svg
      .append('text')
      .attr('class', 'venn-outside')
      .attr('x', 8)
      .attr('y', 392)
      .text(`Innocuous and unprivileged (outside every circle): ${outside.length} instructions${outside.length ? ` — ${outside.slice(0, 12).map((c) => c.mnemonic).join(' ')}${outside.length > 12 ? ' …' : ''}` : ''}`)
      .call((t) => t.append('title').text(outside.map((c) => c.mnemonic).join(', ')));
    if (unresolved.length) {
      svg
        .append('text')
        .attr('class', 'venn-outside venn-unresolved')
        .attr('x', 8)
        .attr('y', 376)
        .text(`Not shown either way (neither proved innocuous nor shown sensitive): ${unresolved.map((c) => c.mnemonic).join(' ')}`);
    }
  }, [classes]);
  return (
    <>
      <svg
        ref={ref}
        className="venn"
        viewBox="0 0 620 400"
        role="img"
        aria-label="Venn diagram of privileged, sensitive and user-sensitive instructions"
        data-testid="venn"
      />
      <SvgExport svg={ref} name="venn" />
    </>
  );
}
