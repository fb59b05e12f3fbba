"""An XSS corpus: each payload, if it ever ran, would set window.__xss."""

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '"><script>window.__xss=2</script>',
    "</textarea><script>window.__xss=3</script>",
    "</title><script>window.__xss=4</script>",
    '<img src=x onerror="window.__xss=5">',
    '<svg onload="window.__xss=6"><circle r=1></circle></svg>',
    "<svg><script>window.__xss=7</script></svg>",
    '<a href="javascript:window.__xss=8">click me</a>',
    '<a href=" jav&#x09;ascript:window.__xss=9">tabbed</a>',
    '<iframe src="javascript:window.__xss=10"></iframe>',
    '<body onload="window.__xss=11">',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=12">',
    '<details open ontoggle="window.__xss=13">',
    "' onmouseover='window.__xss=14' x='",
    '" autofocus onfocus="window.__xss=15" x="',
    "<style>@import 'javascript:window.__xss=16';</style>",
    "{{ 7*7 }} {% debug %}",
    '<object data="javascript:window.__xss=17"></object>',
    '<form action="javascript:window.__xss=18"><button>go</button></form>',
    '<div style="background:url(javascript:window.__xss=19)">styled</div>',
]
