import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barChartSvg, type Bar } from './bar-chart.js';

const chart = (bars: Bar[], unit = 'transfers'): string =>
  barChartSvg({ title: 'Transfers out', description: 'Transfers out by school, 2025/26', unit, bars, id: 'usage' });

const rectWidths = (svg: string): number[] =>
  [...svg.matchAll(/<rect\b[^>]*\swidth="([^"]*)"/g)].map((match) => Number(match[1]));

describe('drawing a bar chart', () => {
  it('is an image labelled by its own title and description', () => {
    const svg = chart([{ label: 'Oakfield Primary', value: 3 }]);
    assert.match(svg, /^<svg [^>]*role="img"/);
    assert.match(svg, /<svg [^>]*width="100%"/);
    const labelledBy = /aria-labelledby="([^"]*)"/.exec(svg)?.[1]?.split(' ') ?? [];
    assert.deepEqual(labelledBy, ['usage-title', 'usage-desc']);
    for (const id of labelledBy) assert.ok(svg.includes(` id="${id}"`), `no element with id ${id}`);
    assert.match(svg, /<title id="usage-title">Transfers out<\/title>/);
    assert.match(svg, /<desc id="usage-desc">Transfers out by school, 2025\/26<\/desc>/);
  });
  it('escapes school names and every other piece of text', () => {
    const svg = barChartSvg({
      title: 'A & B',
      description: '<script>',
      unit: '"units"',
      bars: [{ label: "St Mary's & St John's <C of E>", value: 2 }],
      id: 'c1',
    });
    assert.ok(svg.includes('St Mary&#39;s &amp; St John&#39;s &lt;C of E&gt;'));
    assert.ok(svg.includes('<title id="c1-title">A &amp; B</title>'));
    assert.ok(svg.includes('&lt;script&gt;'));
    assert.ok(svg.includes('2 &quot;units&quot;'));
    assert.equal(svg.includes('<C of E>'), false);
    assert.equal(svg.includes('<script>'), false);
  });
  it('draws bars in proportion to their values, the largest the longest', () => {
    const widths = rectWidths(
      chart([
        { label: 'A', value: 10 },
        { label: 'B', value: 5 },
        { label: 'C', value: 2.5 },
        { label: 'D', value: 0 },
      ]),
    );
    assert.equal(widths.length, 4);
    const [a = 0, b, c, d] = widths;
    assert.ok(a > 0);
    assert.ok(Math.abs(b! / a - 0.5) < 0.01 && Math.abs(c! / a - 0.25) < 0.01);
    assert.equal(d, 0);
  });
  it('sizes the picture to the number of bars', () => {
    const height = (svg: string): number => Number(/viewBox="0 0 \d+ (\d+)"/.exec(svg)?.[1]);
    const one = height(chart([{ label: 'A', value: 1 }]));
    const three = height(chart(['A', 'B', 'C'].map((label) => ({ label, value: 1 }))));
    assert.equal(three, one * 3);
  });
  it('copes with every value zero, or no bars at all, without NaN or Infinity', () => {
    for (const svg of [
      chart([
        { label: 'A', value: 0 },
        { label: 'B', value: 0 },
      ]),
      chart([]),
    ]) {
      assert.doesNotMatch(svg, /NaN|Infinity/);
      assert.match(svg, /viewBox="0 0 \d+ [1-9]\d*"/);
    }
    assert.deepEqual(rectWidths(chart([{ label: 'A', value: 0 }])), [0]);
  });
  it('writes each figure after its bar, with its unit', () => {
    const svg = chart([
      { label: 'A', value: 1234 },
      { label: 'B', value: 12.5 },
    ]);
    assert.ok(svg.includes('>1,234 transfers</text>') && svg.includes('>12.5 transfers</text>'));
    assert.ok(chart([{ label: 'A', value: 40 }], '%').includes('>40%</text>'));
  });
  it('draws no bar for a withheld or missing figure, and says which it is', () => {
    const svg = chart([
      { label: 'A', value: 20 },
      { label: 'B', value: 3, suppressed: true },
      { label: 'C', value: null },
    ]);
    assert.equal(rectWidths(svg).length, 1);
    assert.ok(svg.includes('>withheld (c)</text>') && svg.includes('>no data</text>'));
    assert.equal(svg.includes('>3 transfers<'), false);
  });
  it('cuts long names short but keeps the whole name for hover', () => {
    const long = 'The Bishop of Avonshire Church of England Voluntary Aided Primary School';
    const svg = chart([{ label: long, value: 1 }]);
    const label = /<text[^>]*text-anchor="end"[^>]*><title>([^<]*)<\/title>([^<]*)<\/text>/.exec(svg);
    assert.equal(label?.[1], long);
    assert.equal(Array.from(label?.[2] ?? '').length, 40);
    assert.ok(label?.[2]?.endsWith('…'));
    assert.doesNotMatch(chart([{ label: 'Short name', value: 1 }]), /<text[^>]*><title>/);
  });
  it('uses presentation attributes only, so a strict Content Security Policy allows it', () => {
    const svg = chart([
      { label: 'A', value: 1 },
      { label: 'B', value: 2, suppressed: true },
    ]);
    assert.doesNotMatch(svg, /style/i);
    assert.match(svg, /<rect [^>]*fill="#1d70b8"/);
    assert.match(svg, /<g fill="#0b0c0c">/);
    assert.match(svg, /font-family="'GDS Transport', arial, sans-serif"/);
    assert.match(svg, /font-size="\d+"/);
  });
  it('refuses an id that aria-labelledby could not point to', () => {
    assert.throws(() => barChartSvg({ title: 't', description: 'd', unit: '', bars: [], id: 'two words' }), RangeError);
  });
});
