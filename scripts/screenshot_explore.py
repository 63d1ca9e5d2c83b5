"""Take the README's screenshot of the explore page: headless Chromium from the distribution's
packages, through its chromedriver (selenium, in the test extra).

Run: ledger explore -c iraq -c ottawa -o /tmp/explore.html
     python scripts/screenshot_explore.py /tmp/explore.html docs/explore.png 2004-12-31 esp
(the slider is moved to the month end DAY and the country ACTOR is clicked).
"""
import sys
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.keys import Keys


def main(page: str, png: str, day: str, actor: str) -> None:
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,1000",
                 "--hide-scrollbars"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(Path(page).resolve().as_uri())
        months = driver.execute_script(
            "return JSON.parse(document.getElementById('data').textContent).coalitions[0].months")
        slider = driver.find_element("id", "slider")
        driver.execute_script("arguments[0].focus()", slider)
        slider.send_keys(Keys.HOME + Keys.ARROW_RIGHT * months.index(day))
        driver.find_element("css selector", f'#map [data-actor="{actor}"]').click()
        driver.save_screenshot(png)
    finally:
        driver.quit()


if __name__ == "__main__":
    main(*sys.argv[1:5])
