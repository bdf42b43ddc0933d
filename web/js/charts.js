// charts.js - the one way pages draw ECharts.
//
// drawCharts(ctx, [[box, option], ...]) draws each option into its box with
// the SVG renderer (it prints sharply) once the boxes are in the document
// (they need a size), resizes them with their boxes, the window and
// printing, and disposes of them when the page is left (ctx.onLeave).
// Without ECharts (the script failed to load) each box says so.
import { h } from './ui.js';

export function drawCharts(ctx, specs) {
  const ec = window.echarts;
  if (!ec) {
    for (const [box] of specs) box.appendChild(h('p.empty', null, '图表组件未能加载'));
    return;
  }
  const charts = [];
  const draw = () => {
    if (!specs.length || !specs[0][0].isConnected) return; // the user has left already
    for (const [box, opt] of specs) {
      const c = ec.init(box, null, { renderer: 'svg' });
      c.setOption(opt);
      charts.push(c);
    }
  };
  const resize = () => { for (const c of charts) if (!c.isDisposed()) c.resize(); };
  requestAnimationFrame(draw);
  const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(resize) : null;
  if (ro) for (const [box] of specs) ro.observe(box);
  const print = window.matchMedia('print');
  window.addEventListener('resize', resize);
  window.addEventListener('beforeprint', resize);
  window.addEventListener('afterprint', resize);
  print.addEventListener('change', resize);
  ctx.onLeave(() => {
    if (ro) ro.disconnect();
    window.removeEventListener('resize', resize);
    window.removeEventListener('beforeprint', resize);
    window.removeEventListener('afterprint', resize);
    print.removeEventListener('change', resize);
    for (const c of charts) c.dispose();
  });
}
