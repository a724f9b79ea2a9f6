"""HTML → PDF with headless Chromium (Debian's ``chromium``, driven by Playwright's sync API).

The report HTML is self-contained (inline CSS and SVG), so the page is loaded with
``set_content`` and every network request is refused: nothing can leave the machine, and a
missing asset shows up as a missing picture rather than a slow timeout.
"""

from __future__ import annotations

import os
import shutil

from backend.errors import ServiceUnavailable

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = os.environ.get("GRIDWATCH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        raise ServiceUnavailable("Headless Chromium is not installed; the PDF report needs it (apt-get install chromium).",
                                 "未安装无界面 Chromium，无法生成 PDF 报告（请安装 chromium）。")
    return path


def html_to_pdf(html: str) -> bytes:
    """Print ``html`` to an A4 PDF (backgrounds on, page numbers in the footer)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.abort())
            page.set_content(html, wait_until="load")
            return page.pdf(format="A4", print_background=True, display_header_footer=True,
                            header_template="<span></span>",
                            footer_template='<div style="font-size:8px;width:100%;text-align:center;color:#666">'
                                            '<span class="pageNumber"></span> / <span class="totalPages"></span></div>',
                            margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
