/// The one style sheet of every page, inline (pages fetch nothing): system
/// fonts, light and dark schemes, a layout that reads on a phone.
enum PageStyle {
    static let css = """
    :root{--bg:#fafafa;--fg:#1d1d1f;--muted:#5f6368;--card:#fff;--line:#dcdcdc;--accent:#0b57d0;--bad:#b3261e;--ph:#e6e6e6}
    @media (prefers-color-scheme:dark){:root{--bg:#141416;--fg:#ececf0;--muted:#a3a3ad;--card:#1f1f23;--line:#34343a;--accent:#8ab4f8;--bad:#f2b8b5;--ph:#2c2c31}}
    *{box-sizing:border-box}
    body{margin:0;padding:16px;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic","Noto Sans CJK JP",sans-serif}
    main{max-width:1100px;margin:0 auto}
    h1{font-size:1.5em;margin:0 0 8px;overflow-wrap:anywhere}
    h2{font-size:1.15em;margin:0 0 4px;overflow-wrap:anywhere}
    a{color:var(--accent)}
    .muted{color:var(--muted)}
    dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0 16px}
    dl.facts dt{color:var(--muted)}
    dl.facts dd{margin:0;overflow-wrap:anywhere}
    .card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px;margin:0 0 12px}
    .card.failed{border-color:var(--bad)}
    .bio{margin:6px 0 10px;white-space:pre-wrap;overflow-wrap:anywhere}
    .error{color:var(--bad);overflow-wrap:anywhere}
    .imgs{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:8px}
    .imgs figure{margin:0}
    .imgs img{display:block;width:100%;height:auto;aspect-ratio:1/1;object-fit:contain;border-radius:6px}
    .imgs figcaption{font-size:.8em;color:var(--muted)}
    .ph{display:flex;align-items:center;justify-content:center;aspect-ratio:1;border-radius:6px;background:var(--ph);color:var(--muted);font-size:.8em;text-align:center}
    .sheets img{max-width:100%;height:auto;border:1px solid var(--line)}
    table{border-collapse:collapse;min-width:60%;margin:0 0 16px}
    th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
    td.n,th.n{text-align:right;white-space:nowrap}
    progress{width:8em}
    .counts{display:flex;flex-wrap:wrap;gap:6px 16px;margin:0 0 16px;padding:0;list-style:none}
    @media (max-width:640px){body{padding:10px}.imgs{grid-template-columns:repeat(3,minmax(0,1fr))}th.opt,td.opt{display:none}}
    """
}
