"""Count what it takes a representative to fill in the whole scan, in Chromium, as he would:
log in, "Ga verder", pick a level for every open question (autosave), "Opslaan en volgende" to
the next unfinished speerpunt, and at the end "Controleer en dien in" and the submit.

Prints the questions answered, the clicks and the page loads. It needs a running app with the
demo data and Debian's Chromium::

    DATABASE_URL=sqlite:////tmp/count.sqlite3 assessment init --demo
    DATABASE_URL=sqlite:////tmp/count.sqlite3 assessment run --port 5077 &
    python bench/count_fill_in.py --url http://127.0.0.1:5077

Measured on 2026-12-04 (demo: 31 of 56 questions open): 37 clicks and 7 page loads; the same walk
through the release before issue 13 (unit name, speerpunt 1, "Opslaan en volgende speerpunt"
through every speerpunt, overview, "Vragenlijst indienen", confirm) took 41 clicks and 11 loads.
"""

from __future__ import annotations

import argparse

from playwright.sync_api import Locator, sync_playwright


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5077")
    parser.add_argument("--email", default="rep@demo.local")
    parser.add_argument("--password", default="demo-dts-2026")
    args = parser.parse_args()
    counts = {"clicks": 0, "loads": 0, "answered": 0}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL").new_page()
        page.on("load", lambda _page: counts.__setitem__("loads", counts["loads"] + 1))

        def click(target: Locator, navigates: bool = True) -> None:
            counts["clicks"] += 1
            if navigates:
                with page.expect_navigation():
                    target.click()
            else:
                target.click()

        page.goto(args.url + "/login")
        page.get_by_label("E-mailadres").fill(args.email)
        page.get_by_label("Wachtwoord").fill(args.password)
        click(page.get_by_role("button", name="Inloggen"))
        click(page.get_by_role("link", name="Ga verder").first)
        while "/submit" not in page.url:
            for question in page.locator("fieldset.question").all():
                if question.locator("input[type=radio]:checked").count() == 0:
                    click(question.locator("input[type=radio]").nth(2), navigates=False)
                    counts["answered"] += 1
            page.wait_for_timeout(1500)  # the autosave's pause after the last change
            click(page.locator("button[value=next]:visible, button[value=check]:visible").first)
        click(page.locator("main form button[type=submit], main form input[type=submit]").first)
        browser.close()
    print(f"{counts['answered']} questions answered; {counts['clicks']} clicks; {counts['loads']} page loads")


if __name__ == "__main__":
    main()
