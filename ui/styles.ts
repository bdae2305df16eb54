/**
 * The console's one stylesheet, served from the binary (no external fonts
 * or CDNs). Light and dark themes follow `prefers-color-scheme`; the layout
 * collapses the sidebar above the content on narrow screens.
 *
 * @module
 */

/** The stylesheet text, served at `/ui/assets/app.css`. */
export const STYLES = `
:root{color-scheme:light dark;--bg:#f6f7f9;--panel:#fff;--fg:#1b1f24;--muted:#5b6572;--line:#d8dde3;
--accent:#1f6feb;--accent-fg:#fff;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--code:#f0f2f5;
--add:#dafbe1;--del:#ffebe9;--focus:#0969da;--hl:#fff8c5}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--panel:#161b22;--fg:#e6edf3;--muted:#9aa5b1;
--line:#30363d;--accent:#2f81f7;--accent-fg:#fff;--ok:#3fb950;--warn:#d29922;--bad:#f85149;
--code:#1f242c;--add:#12361f;--del:#47161a;--focus:#58a6ff;--hl:#3b2e00}}
*{box-sizing:border-box}
html,body{margin:0;padding:0}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
background:var(--bg);color:var(--fg)}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--panel);padding:.5rem}
.skip:focus{left:.5rem;z-index:10}
.shell{display:grid;grid-template-columns:15rem 1fr;min-height:100vh}
.side{background:var(--panel);border-right:1px solid var(--line);padding:1rem .75rem}
.brand{font-weight:700;font-size:1.1rem;margin:0 0 1rem .25rem;display:block;color:var(--fg);
text-decoration:none}
.side h2{font-size:.72rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);
margin:1rem .25rem .25rem}
.side ul{list-style:none;margin:0;padding:0}
.side a.nav{display:block;padding:.3rem .5rem;border-radius:6px;color:var(--fg);text-decoration:none}
.side a.nav:hover{background:var(--code)}
.side a.nav[aria-current=page]{background:var(--accent);color:var(--accent-fg)}
.who{margin-top:1.5rem;font-size:.85rem;color:var(--muted);padding:0 .25rem}
.who form{display:inline}
main{padding:1.25rem 1.5rem;max-width:80rem;min-width:0}
h1{font-size:1.5rem;margin:0 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:1rem;
margin-bottom:1rem;overflow-x:auto}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(24rem,1fr))}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;color:var(--muted);font-weight:600}
ul.changes{margin:0;padding-left:1rem;min-width:16rem}a.snapshot{white-space:nowrap}
caption{text-align:left;font-weight:600;padding:.25rem 0 .5rem}
code,pre,textarea.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:var(--code);padding:.75rem;border-radius:6px;overflow-x:auto;margin:0}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}
.hint{font-weight:400;color:var(--muted);font-size:.85rem}
input,select,textarea{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);
border-radius:6px;padding:.4rem .5rem;max-width:100%}
input[type=text],input[type=password],input[type=number],select{width:22rem}
input[type=checkbox]{width:auto}
textarea{width:100%;min-height:20rem}
textarea[rows]{min-height:0}
.field{margin-bottom:.5rem}
.field.invalid input,.field.invalid select,.field.invalid textarea{border-color:var(--bad)}
.error{color:var(--bad);font-size:.88rem;margin:.2rem 0 0}
fieldset{border:1px solid var(--line);border-radius:8px;margin:.75rem 0;padding:.5rem 1rem 1rem}
legend{font-weight:600;padding:0 .25rem}
.row{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end}
.row .field{margin:0}
.row input[type=text],.row input[type=number],.row select{width:12rem}
button,.button{font:inherit;border:1px solid var(--line);background:var(--panel);color:var(--fg);
border-radius:6px;padding:.4rem .8rem;cursor:pointer;text-decoration:none;display:inline-block}
button.primary,.button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}
button.danger{background:var(--bad);border-color:var(--bad);color:#fff}
button.small{padding:.15rem .5rem;font-size:.85rem}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;margin-top:1rem;align-items:center}
.inline{display:inline}
label.inline{display:inline;margin:0 .25rem}
form.inline{margin:0 .25rem .25rem 0;display:inline-block}
form.inline input[type=number]{width:5.5rem}
.badge{white-space:nowrap}
figure{margin:0}
.panel>h2:first-child,.panel>section>h2:first-child{margin-top:0}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:999px;font-size:.8rem;
border:1px solid var(--line)}
.badge.ok{color:var(--ok);border-color:var(--ok)}
.badge.warn{color:var(--warn);border-color:var(--warn)}
.badge.bad{color:var(--bad);border-color:var(--bad)}
.muted{color:var(--muted)}
.alert{border:1px solid var(--line);border-left:4px solid var(--bad);background:var(--panel);
padding:.75rem 1rem;border-radius:6px;margin-bottom:1rem}
.alert.ok{border-left-color:var(--ok)}
.alert.warn{border-left-color:var(--warn)}
.alert h2{margin-top:0}
.toasts{position:fixed;right:1rem;bottom:1rem;display:flex;flex-direction:column;gap:.5rem;z-index:20;
max-width:26rem}
.toast{background:var(--panel);border:1px solid var(--line);border-left:4px solid var(--ok);
border-radius:6px;padding:.6rem .9rem;box-shadow:0 4px 16px rgba(0,0,0,.15)}
.toast.bad{border-left-color:var(--bad)}
.diff .line{display:block;white-space:pre-wrap;overflow-wrap:anywhere;min-height:1.2em}
.diff .add{background:var(--add)}
.diff .del{background:var(--del)}
.diff .hunk{color:var(--muted)}
.highlight{background:var(--hl)}
.sr-only,.default-submit{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap;border:0;padding:0;margin:-1px}
.n4xx{color:var(--warn)}.n5xx{color:var(--bad)}
.server-row .row{margin-bottom:.4rem}
details>summary{cursor:pointer;margin:.4rem 0}
.cfg .line{display:block;white-space:pre}
.cfg .line.highlight{background:var(--hl)}
.sr-only,.default-submit{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap;border:0;padding:0;margin:-1px}
.n4xx{color:var(--warn)}.n5xx{color:var(--bad)}
.server-row .row{margin-bottom:.4rem}
details>summary{cursor:pointer;margin:.4rem 0}
.health{display:flex;flex-wrap:wrap;gap:.35rem}
.cell{width:1.6rem;height:1.6rem;border-radius:4px;display:inline-flex;align-items:center;
justify-content:center;font-size:.7rem;color:#fff}
.cell.up{background:var(--ok)}.cell.down{background:var(--bad)}.cell.drain{background:var(--warn)}
.cell.maint,.cell.unknown{background:var(--muted)}
.hc{display:inline-flex;align-items:center;gap:.3rem;font-size:.85rem;margin-right:.6rem}
.chart{width:100%;height:auto;display:block}
.chart .axis{stroke:var(--line)}
.chart text{fill:var(--muted);font-size:13px}
.chart .s0{stroke:var(--accent)}.chart .s1{stroke:var(--ok)}.chart .s2{stroke:var(--warn)}
.chart .s3{stroke:var(--bad)}
.legend{display:flex;gap:1rem;font-size:.85rem;flex-wrap:wrap;margin:.25rem 0 0;padding:0;list-style:none}
.legend i{display:inline-block;width:.8rem;height:.2rem;vertical-align:middle;margin-right:.3rem}
.legend .s0{background:var(--accent)}.legend .s1{background:var(--ok)}.legend .s2{background:var(--warn)}
.legend .s3{background:var(--bad)}
.secret{font-family:ui-monospace,monospace;word-break:break-all;background:var(--code);padding:.5rem;
border-radius:6px;display:block}
dialog{border:1px solid var(--line);border-radius:8px;background:var(--panel);color:var(--fg);
max-width:28rem}
dialog::backdrop{background:rgba(0,0,0,.4)}
.pager{display:flex;gap:1rem;margin-top:.75rem}
.plain{list-style:none;margin:0;padding:0}
.wide input[type=text]{width:100%}
table.facts{width:auto}
table.facts th{white-space:nowrap;padding-right:1.5rem}
h3{font-size:1rem;margin:1.25rem 0 .25rem}
.center{max-width:26rem;margin:8vh auto;padding:0 1rem}
.center main{padding:0}
.nav-toggle,.nav-toggle-label{display:none}
@media (max-width:48rem){.shell{align-content:start}.side{padding:.5rem .75rem;display:flex;flex-wrap:wrap;align-items:center;
justify-content:space-between}.brand{margin:0}.nav-toggle-label{display:inline-block;margin:0;
border:1px solid var(--line);border-radius:6px;padding:.3rem .7rem;cursor:pointer}
.nav-groups{display:none;width:100%}.nav-toggle:checked~.nav-groups{display:block}
.nav-toggle:focus-visible+.nav-toggle-label{outline:3px solid var(--focus)}
.nav-toggle{display:block;position:absolute;opacity:0;width:1px;height:1px}}
@media (max-width:48rem){.grid{grid-template-columns:1fr}.shell{grid-template-columns:1fr}.side{border-right:0;
border-bottom:1px solid var(--line)}.side ul{display:flex;flex-wrap:wrap;gap:.25rem}
.side h2{width:100%}main{padding:1rem}input[type=text],input[type=password],select{width:100%}}
`;
