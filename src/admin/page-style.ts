// The admin page's style: the docs pages' dark bar and system fonts, a keys table, a four-column
// task board, and a print layout (no controls, black on white, no card split over two pages).
export const ADMIN_PAGE_STYLE = `
  :root { --ink: #1b1b1b; --muted: #5b6270; --line: #d9dce1; --soft: #f4f5f7; --accent: #0b63c5;
    --queued: #6b7280; --running: #0b63c5; --completed: #15803d; --failed: #b91c1c; --warn: #8a4b00; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--ink); background: #fff; }
  .bar { display: flex; gap: 1.5em; align-items: baseline; padding: .8em 1.5em; background: #1b1b1b; color: #fff; }
  .bar a { color: #9fd3ff; }
  .bar .grow { flex: 1; }
  .bar button { background: transparent; color: #fff; border: 1px solid #777; }
  main { max-width: 90em; margin: 0 auto; padding: 1em 1.5em 3em; }
  h1 { font-size: 1.5em; margin: .4em 0; }
  h2 { font-size: 1.2em; margin: 0; }
  h3 { font-size: 1em; margin: 0; }
  code, pre, .mono { font: 13px/1.4 ui-monospace, monospace; }
  button, input, select, textarea { font: inherit; }
  button { padding: .25em .8em; border: 1px solid #b9bec7; border-radius: 4px; background: #fff; color: var(--ink); cursor: pointer; }
  a.button { display: inline-block; padding: .25em .8em; border: 1px solid #b9bec7; border-radius: 4px; color: var(--ink); text-decoration: none; }
  button:hover, a.button:hover { background: var(--soft); }
  button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
  button.danger { color: var(--failed); border-color: #e3b4b4; }
  button:disabled { opacity: .5; cursor: default; }
  input, select, textarea { padding: .25em .45em; border: 1px solid #b9bec7; border-radius: 4px; }
  .muted { color: var(--muted); }
  .hint { color: var(--muted); font-size: .9em; }
  section.panel { border: 1px solid var(--line); border-radius: 8px; padding: 1em 1.2em; margin: 1em 0; }
  .head { display: flex; gap: 1em; align-items: center; flex-wrap: wrap; margin-bottom: .8em; }
  .head .grow { flex: 1; }
  #sign-in { max-width: 32em; margin: 3em auto; }
  #sign-in form { display: flex; gap: .6em; align-items: center; flex-wrap: wrap; }
  #sign-in input { flex: 1; min-width: 14em; }
  .error { color: var(--failed); }
  #notice { min-height: 1.5em; margin: .3em 0; }
  #notice.error { font-weight: 600; }
  .new-key { border: 2px solid var(--completed); background: #f0faf3; }
  .new-key code { display: inline-block; font-size: 15px; padding: .3em .6em; background: #fff; border: 1px solid var(--line); border-radius: 4px; user-select: all; word-break: break-all; }
  .new-key .warn { color: var(--warn); font-weight: 600; }
  form.issue { display: grid; grid-template-columns: repeat(auto-fill, minmax(14em, 1fr)); gap: .7em 1em; padding: 1em; background: var(--soft); border-radius: 6px; margin-bottom: 1em; }
  form.issue label { display: flex; flex-direction: column; gap: .2em; font-size: .9em; color: var(--muted); }
  form.issue input, form.issue select, form.issue textarea { color: var(--ink); }
  form.issue .wide { grid-column: 1 / -1; }
  form.issue .actions { grid-column: 1 / -1; display: flex; gap: .6em; align-items: center; }
  form.issue fieldset { grid-column: 1 / -1; border: 1px solid var(--line); border-radius: 6px; display: flex; gap: 1em; flex-wrap: wrap; }
  form.issue fieldset label { flex: 1; min-width: 10em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .45em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { font-size: .85em; color: var(--muted); font-weight: 600; white-space: nowrap; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  tr.selected td { background: #eef5fd; }
  td.nowrap { white-space: nowrap; }
  .table-wrap { overflow-x: auto; }
  td.actions div { display: flex; flex-wrap: wrap; gap: .3em; width: 14.5em; }
  td.actions a, td.actions button { font-size: .85em; padding: .15em .6em; }
  .name { font-weight: 600; }
  .kind { display: block; font-size: .8em; color: var(--muted); }
  .badge { display: inline-block; padding: .05em .55em; border-radius: 999px; font-size: .85em; font-weight: 600; border: 1px solid; }
  .badge.active { color: var(--completed); background: #eaf7ee; }
  .badge.revoked { color: var(--failed); background: #fbecec; }
  .badge.expired { color: var(--warn); background: #fdf3e6; }
  .tabs { display: flex; gap: .5em; flex-wrap: wrap; list-style: none; padding: 0; margin: 0 0 1em; }
  .tabs button { text-align: left; padding: .4em .8em; border-radius: 6px; }
  .tabs button[aria-pressed="true"] { border-color: var(--accent); box-shadow: inset 0 0 0 1px var(--accent); background: #eef5fd; }
  .tabs .counts { display: block; font-size: .8em; color: var(--muted); }
  .board-head { display: flex; gap: 1em 2em; flex-wrap: wrap; align-items: center; padding: .6em .8em; background: var(--soft); border-radius: 6px; margin-bottom: .8em; }
  .board-title { font-size: 1.05em; }
  .clock { font-size: 1.05em; }
  .clock .state { font-weight: 700; }
  .clock .state.paused { color: var(--warn); }
  .clock .state.running { color: var(--completed); }
  .controls { display: flex; gap: .4em; flex-wrap: wrap; align-items: center; }
  .facts { display: flex; gap: 1.2em; flex-wrap: wrap; color: var(--muted); font-size: .9em; }
  .board { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: .8em; }
  .column { background: var(--soft); border-radius: 8px; padding: .6em; min-height: 8em; border-top: 4px solid var(--c); }
  .column h3 { display: flex; justify-content: space-between; color: var(--c); margin-bottom: .5em; }
  .column ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: .45em; }
  .column[data-status="queued"] { --c: var(--queued); }
  .column[data-status="running"] { --c: var(--running); }
  .column[data-status="completed"] { --c: var(--completed); }
  .column[data-status="failed"] { --c: var(--failed); }
  .card { background: #fff; border: 1px solid var(--line); border-left: 3px solid var(--c); border-radius: 5px; padding: .4em .55em; }
  .card .title { display: flex; gap: .4em; align-items: baseline; }
  .card .id { color: var(--muted); font: 12px ui-monospace, monospace; }
  .card .task-name { font-weight: 600; overflow-wrap: anywhere; }
  .card .meta { display: flex; justify-content: space-between; gap: .5em; font-size: .85em; color: var(--muted); }
  .card .failure { font-size: .85em; color: var(--failed); }
  .more { font-size: .85em; color: var(--muted); text-align: center; }
  [hidden] { display: none !important; }
  @media (max-width: 60em) { .board { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
  @media print {
    .bar, button, a.button, form, .controls, #notice, #new-key, .tabs, .no-print, td.actions, th.actions { display: none !important; }
    body { font-size: 11pt; }
    main { max-width: none; padding: 0; }
    section.panel { border: none; padding: 0; }
    .column, .card, .board-head { background: #fff; }
    .card, tr { break-inside: avoid; }
    .board { grid-template-columns: repeat(4, 1fr); }
  }
`;
