/**
 * The panel's stylesheet, scoped by its shadow root. Every colour, the font
 * and the radius come from custom properties, which cross the shadow
 * boundary, so a host page themes it with e.g.
 * `volume-cache-panel, .volume-cache-panel { --vcp-accent: #7c3aed; }`.
 * The defaults meet WCAG AA contrast on the default background.
 */
export const panelStyles = `
:host {
  display: block;
  font: var(--vcp-font, 14px/1.45 system-ui, sans-serif);
  color: var(--vcp-fg, #1b1f24);
  --_bg: var(--vcp-bg, #ffffff);
  --_muted: var(--vcp-muted, #57606a);
  --_border: var(--vcp-border, #d0d7de);
  --_accent: var(--vcp-accent, #0b5cad);
  --_accent-fg: var(--vcp-accent-fg, #ffffff);
  --_danger: var(--vcp-danger, #b42318);
  --_danger-fg: var(--vcp-danger-fg, #ffffff);
  --_focus: var(--vcp-focus, #0b5cad);
  --_radius: var(--vcp-radius, 6px);
  --_track: var(--vcp-meter-track, #e6eaef);
  --_fill: var(--vcp-meter-fill, #0b5cad);
  --_stripe: var(--vcp-stripe, #f6f8fa);
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.panel { background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.75rem 1rem 1rem; }
.title { font-size: 1.15em; margin: 0 0 0.5rem; }
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: 0.5rem 1.25rem; margin: 0 0 0.75rem; }
.summary div { min-width: 0; }
.summary dt { color: var(--_muted); font-size: 0.85em; }
.summary dd { margin: 0; overflow-wrap: anywhere; }
.meter { display: block; height: 0.5rem; background: var(--_track); border-radius: 999px; overflow: hidden; margin: 0.2rem 0; }
.meter > span { display: block; height: 100%; background: var(--_fill); width: 0; }
.warning { border-left: 4px solid var(--_danger); padding: 0.25rem 0.5rem; margin: 0 0 0.75rem; }
.downloads { list-style: none; margin: 0 0 0.75rem; padding: 0; }
.downloads li { display: grid; grid-template-columns: minmax(8rem, 14rem) 1fr auto; gap: 0.5rem; align-items: center; }
.downloads progress { width: 100%; accent-color: var(--_fill); }
.toolbar { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0 0 0.5rem; }
.confirm { display: inline-flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.confirm[hidden] { display: none; }
button, input, select { font: inherit; }
button {
  padding: 0.3rem 0.7rem; border-radius: var(--_radius); cursor: pointer;
  border: 1px solid var(--_accent); background: var(--_bg); color: var(--_accent);
}
button.primary { background: var(--_accent); color: var(--_accent-fg); }
button.danger { border-color: var(--_danger); color: var(--_danger); }
button.danger.primary { background: var(--_danger); color: var(--_danger-fg); }
button:disabled { opacity: 0.55; cursor: not-allowed; }
button.small { padding: 0.1rem 0.5rem; font-size: 0.9em; }
input, select { padding: 0.25rem 0.4rem; border: 1px solid var(--_muted); border-radius: 4px; background: var(--_bg); color: inherit; }
input[type='number'] { width: 7em; }
input[type='checkbox'] { width: 1.05rem; height: 1.05rem; accent-color: var(--_accent); }
:is(button, input, select, a):focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--_border); white-space: nowrap; }
th { font-size: 0.85em; color: var(--_muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.name { max-width: 18rem; overflow: hidden; text-overflow: ellipsis; }
img.thumbnail { vertical-align: middle; margin-right: 0.4rem; border-radius: 3px; background: #000; object-fit: contain; }
tbody tr:nth-child(even) { background: var(--_stripe); }
tr.expired td.expires { color: var(--_danger); }
td.actions { display: flex; gap: 0.35rem; }
.empty td { color: var(--_muted); font-style: italic; }
fieldset { border: 1px solid var(--_border); border-radius: var(--_radius); margin: 0.75rem 0 0; padding: 0.5rem 0.75rem 0.75rem; }
legend { font-weight: 600; padding: 0 0.25rem; }
.fields { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; align-items: end; }
.field { display: flex; flex-direction: column; gap: 0.15rem; }
.field > span { display: flex; gap: 0.35rem; }
.hint { color: var(--_muted); font-size: 0.85em; margin: 0.4rem 0 0; }
.status { min-height: 1.45em; margin: 0.5rem 0 0; }
.status.error { color: var(--_danger); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
