#!/usr/bin/env python3
"""Drives the web console in headless Chromium (Debian's chromium and chromedriver, Selenium
from PyPI) against a real `magpie serve`, and checks what an operator would:

1. a logged-out visitor sees the sign-in form and nothing else, and an API key cannot sign in;
2. an admin key signs in (the cookie is HttpOnly and SameSite=Strict);
3. Try classifies texts with the labels the API gives them, and shows the curl line;
4. Keys creates a key (shown once, and it works on the API), then revokes it (the API refuses it);
5. Models starts a canary, and its figures match the versions that answered real API traffic;
6. Traffic draws the requests it received, and the batch size of an encoder model (a head
   over the tiny BERT of the test vectors); API renders /openapi.json;
7. every input is labelled, the pages work from the keyboard, text has 4.5:1 contrast;
8. after sign-out, nothing is shown and every call is refused.

Screenshots of every page go to SCREENSHOTS (default .build/console-screenshots; the ones in
docs/console/ come from `scripts/console-browser-test docs/console`).

Usage: scripts/console-browser-test [SCREENSHOTS]  (builds nothing: needs .build/release/magpie)
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
MAGPIE = os.path.abspath(os.environ.get("MAGPIE", os.path.join(ROOT, ".build/release/magpie")))
SCREENSHOTS = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/console-screenshots"))
DATA = os.path.join(ROOT, "data/hate-speech/labeled_data.csv")
MODEL = "hate-speech"
ENCODER_MODEL = "tiny-encoder"
CHECKS = []


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    CHECKS.append(what)
    print(f"  ok  {what}", flush=True)


def run(*arguments, cwd):
    result = subprocess.run([MAGPIE, *arguments], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"magpie {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def train_versions(work):
    """Two versions of the model from the first 2,000 tweets: naive Bayes (1), then logistic
    regression (2), so the canary differs from stable."""
    sample = os.path.join(work, "sample.csv")
    with open(DATA, encoding="utf-8", newline="") as source, open(sample, "w", encoding="utf-8", newline="") as target:
        rows = csv.reader(source)
        writer = csv.writer(target)
        writer.writerow(next(rows))
        writer.writerows(row for _, row in zip(range(2000), rows))
    for version, algorithm in ((1, "naive-bayes"), (2, "logistic-regression")):
        run("train", "--data", sample, "--text-column", "tweet", "--label-column", "class",
            "--label-names", "0=Hate Speech,1=Offensive Language,2=Neither", "--algorithm", algorithm,
            "--name", MODEL, "--model-version", str(version),
            "--output", os.path.join(work, "models", MODEL, str(version)), cwd=work)
    run("train", "--data", sample, "--text-column", "tweet", "--label-column", "class",
        "--encoder", os.path.join(ROOT, "Tests/TestVectors/bert-tiny-cls"),
        "--output", os.path.join(work, "models", ENCODER_MODEL), cwd=work)


def last_line(text):
    return text.strip().splitlines()[-1]


def start_server(work):
    # The canary (naive Bayes) and stable (logistic regression) disagree on the few made-up
    # texts sent below, which would roll the canary back by the agreement check (tested in
    # Tests/GatewayTests/CanaryTests) before the page shows its figures: the floor is 0 here,
    # and stable still scores the canary's texts.
    with open(os.path.join(work, "magpie.yaml"), "w") as config:
        config.write(f"models:\n  {MODEL}:\n    path: models/{MODEL}\n    canary: {{min_agreement: 0}}\n"
                     f"  {ENCODER_MODEL}:\n    path: models/{ENCODER_MODEL}\n")
    log = open(os.path.join(work, "serve.log"), "w")
    process = subprocess.Popen(
        [MAGPIE, "serve", "--database", "magpie.sqlite", "--config", "magpie.yaml", "--port", "0", "--provisioned"],
        cwd=work, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        with open(os.path.join(work, "serve.log")) as lines:
            for line in lines:
                match = re.search(r'"address":"http://127\.0\.0\.1:(\d+)"', line)
                if match:
                    return process, f"http://127.0.0.1:{match.group(1)}"
        if process.poll() is not None:
            raise RuntimeError("magpie serve exited:\n" + open(os.path.join(work, "serve.log")).read())
        time.sleep(0.1)
    raise RuntimeError("magpie serve did not listen within 60 s")


def api(base, path, key, body):
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "x-api-key": key})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                     "--disable-gpu", "--force-prefers-reduced-motion"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)


def browser_fetch(driver, path):
    """The status the page's own fetch of `path` gets, with its cookies."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'}).then(r => done(r.status), e => done(String(e)));", path)


def shot(driver, name):
    driver.execute_script("window.scrollTo(0, 0)")
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 700)")
    driver.set_window_size(1280, min(height + 40, 3000))
    driver.save_screenshot(os.path.join(SCREENSHOTS, f"{name}.png"))
    driver.set_window_size(1280, 1000)


def open_page(driver, wait, page):
    driver.find_element(By.CSS_SELECTOR, f'nav a[data-page="{page}"]').click()
    wait.until(lambda d: d.find_element(By.ID, f"page-{page}").is_displayed())


# Contrast of every visible text element against the background it is drawn on (WCAG 2.1
# relative luminance), walking up to the first opaque background.
CONTRAST_SCRIPT = """
function rgb(value) { const m = value.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; }
function luminance(c) { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); }
function background(node) { for (let n = node; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor);
  if (c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; }
const failures = [];
let checked = 0;
for (const node of document.querySelectorAll('body *')) {
  if (!node.offsetParent && node.tagName !== 'BODY') continue;
  const own = Array.from(node.childNodes).some(c => c.nodeType === 3 && c.textContent.trim());
  if (!own) continue;
  const style = getComputedStyle(node);
  const fg = rgb(style.color), bg = background(node);
  const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  const ratio = (l1 + 0.05) / (l2 + 0.05);
  checked += 1;
  if (ratio < 4.5) failures.push(node.tagName + ' "' + node.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
}
return {checked, failures};
"""

UNLABELLED_SCRIPT = """
return Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(n => n.type !== 'hidden')
  .filter(n => !(n.id && document.querySelector('label[for="' + n.id + '"]')) && !n.getAttribute('aria-label'))
  .map(n => n.outerHTML.slice(0, 80));
"""


def accessibility(driver, page):
    unlabelled = driver.execute_script(UNLABELLED_SCRIPT)
    check(unlabelled == [], f"{page}: every input, select and textarea has a label ({unlabelled})")
    contrast = driver.execute_script(CONTRAST_SCRIPT)
    check(contrast["checked"] > 0 and contrast["failures"] == [],
          f"{page}: {contrast['checked']} text elements at 4.5:1 contrast or more ({contrast['failures'][:5]})")


def main():
    os.makedirs(SCREENSHOTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="magpie-console-")
    server = None
    driver = None
    try:
        train_versions(work)
        run("plans", "create", "--name", "demo", "--quota", "10000/month", "--rate", "1000", "--burst", "1000",
            "--database", "magpie.sqlite", cwd=work)
        admin = last_line(run("keys", "create", "--admin", "--name", "operator", "--database", "magpie.sqlite", cwd=work))
        clients = [last_line(run("keys", "create", "--name", f"client-{i}", "--plan", "demo", "--database",
                                 "magpie.sqlite", cwd=work)) for i in range(12)]
        server, base = start_server(work)
        driver = browser()
        # Pages redraw as figures arrive; an element read mid-redraw is read again.
        wait = WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,))

        print("logged out")
        driver.get(base + "/console")
        wait.until(lambda d: d.find_element(By.ID, "page-signin").is_displayed())
        check(not driver.find_element(By.ID, "nav").is_displayed(), "a logged-out visitor sees no navigation")
        visible = driver.find_element(By.TAG_NAME, "body").text
        check(MODEL not in visible and "key_" not in visible, "a logged-out visitor sees no model or key")
        for path in ("/console/api/models", "/console/api/keys", "/console/api/traffic", "/console/api/session"):
            check(browser_fetch(driver, path) == 401, f"{path} answers 401 without a session")
        html = urllib.request.urlopen(base + "/console").read().decode()
        headers = urllib.request.urlopen(base + "/console").headers
        check("script-src 'self'" in headers["Content-Security-Policy"] and "unsafe-inline" not in headers["Content-Security-Policy"],
              "the Content-Security-Policy allows scripts from the console's origin only")
        check(not re.search(r"<script(?![^>]*\bsrc=)", html) and not re.search(r"\son[a-z]+=", html),
              "the page has no inline script or event handler")
        accessibility(driver, "sign-in")
        shot(driver, "sign-in")

        driver.find_element(By.ID, "admin-key").send_keys(clients[0] + Keys.ENTER)
        wait.until(lambda d: d.find_element(By.ID, "status").text != "")
        check("not an active admin key" in driver.find_element(By.ID, "status").text, "an API key cannot sign in")

        print("sign in")
        field = driver.find_element(By.ID, "admin-key")
        field.clear()
        field.send_keys(admin + Keys.ENTER)
        wait.until(lambda d: d.find_element(By.ID, "nav").is_displayed())
        cookie = next(c for c in driver.get_cookies() if c["name"] == "magpie_console")
        check(cookie["httpOnly"] and cookie.get("sameSite") == "Strict", "the session cookie is HttpOnly and SameSite=Strict")
        check("magpie_console" not in driver.execute_script("return document.cookie"), "scripts cannot read the session cookie")
        check(admin not in driver.page_source, "the admin key is not left in the page")

        print("try")
        wait.until(lambda d: len(Select(d.find_element(By.ID, "try-model")).options) > 0)
        texts = ["what a lovely day", "you are a bitch"]
        driver.find_element(By.ID, "try-texts").send_keys("\n".join(texts))
        driver.find_element(By.CSS_SELECTOR, "#try-form button[type=submit]").click()
        wait.until(lambda d: d.find_element(By.ID, "try-result").is_displayed())
        shown = [node.text for node in driver.find_elements(By.CSS_SELECTOR, "#try-answers .label")]
        meta = driver.find_element(By.ID, "try-meta").text
        # The API with a client key, pinned to the version the console used, must agree.
        version = re.search(r"Version (\d+)", meta).group(1)
        request = urllib.request.Request(
            base + f"/v1/models/{MODEL}/classify", data=json.dumps({"texts": texts}).encode(), method="POST",
            headers={"Content-Type": "application/json", "x-api-key": clients[0], "X-Magpie-Model-Version": version})
        expected = [r["label"] for r in json.loads(urllib.request.urlopen(request).read())["results"]]
        check(shown == expected, f"Try shows the API's labels {expected} (version {version})")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#try-answers svg rect.bar-fill")) == 2 * 3,
              "Try draws a bar for each class of each text")
        # Each text is shown again with its words tinted by their share of the label's score,
        # as the API's explanation (pinned to the same version) gives them.
        request = urllib.request.Request(
            base + f"/v1/models/{MODEL}/explain", data=json.dumps({"text": texts[1], "label": shown[1]}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "x-api-key": clients[0], "X-Magpie-Model-Version": version})
        tokens = json.loads(urllib.request.urlopen(request).read())["tokens"]
        marks = driver.find_elements(By.CSS_SELECTOR, "#try-answers .answer:nth-child(2) .why mark")
        expected_marks = [(texts[1][t["start"]:t["end"]], "toward" if t["score"] >= 0 else "against") for t in tokens]
        check([(m.text, m.get_attribute("class")) for m in marks] == expected_marks,
              f"Try highlights each word toward or against the label as the explain API scores it ({expected_marks})")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#try-answers .answer:nth-child(1) .why mark")) == len(texts[0].split()),
              "Try highlights every word of the first text too")
        check(re.search(r"ms in all", meta) and ("warm" in meta or "cold start" in meta), f"Try shows latency and cold start: {meta}")
        curl = driver.find_element(By.ID, "try-curl").text
        check(curl.startswith(f"curl -s {base}/v1/models/{MODEL}/classify") and "YOUR_API_KEY" in curl,
              "Try shows the equivalent curl line, without a real key")
        accessibility(driver, "try")
        shot(driver, "try")
        Select(driver.find_element(By.ID, "try-model")).select_by_value(ENCODER_MODEL)
        previous_answer = driver.find_element(By.CSS_SELECTOR, "#try-answers .answer")
        driver.find_element(By.CSS_SELECTOR, "#try-form button[type=submit]").click()
        wait.until(seen.staleness_of(previous_answer))
        wait.until(lambda d: "Version" in d.find_element(By.ID, "try-meta").text
                   and len(d.find_elements(By.CSS_SELECTOR, "#try-answers .why mark")) == sum(len(t.split()) for t in texts))
        marked = [[m.text for m in driver.find_elements(By.CSS_SELECTOR, f"#try-answers .answer:nth-child({n}) .why mark")]
                  for n in (1, 2)]
        check(marked == [t.split() for t in texts] and not driver.find_elements(By.CSS_SELECTOR, "#try-answers .why.muted"),
              f"Try highlights an encoder model's words too, by integrated gradients ({marked})")
        Select(driver.find_element(By.ID, "try-model")).select_by_value(MODEL)

        print("keys")
        open_page(driver, wait, "keys")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#keys-table tbody tr")) == len(clients))
        driver.find_element(By.ID, "key-name").send_keys("browser-test")
        Select(driver.find_element(By.ID, "key-plan")).select_by_value("demo")
        driver.find_element(By.CSS_SELECTOR, "#key-form button[type=submit]").click()
        wait.until(lambda d: d.find_element(By.ID, "new-key").is_displayed())
        secret = driver.find_element(By.ID, "new-key-secret").text
        key_id = driver.find_element(By.ID, "new-key-id").text
        status, _, _ = api(base, f"/v1/infer/{MODEL}", secret, {"text": "hello"})
        check(secret.startswith("mgp_") and status == 200, "the new key is shown once and works on the API")
        shot(driver, "keys-created")
        driver.find_element(By.ID, "new-key-done").click()
        check(secret not in driver.page_source, "after Done, the new key's secret is gone from the page")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'tr[data-key="{key_id}"] button'))
        driver.find_element(By.CSS_SELECTOR, f'tr[data-key="{key_id}"] button').click()
        wait.until(seen.alert_is_present())
        driver.switch_to.alert.accept()
        wait.until(lambda d: "revoked" in d.find_element(By.CSS_SELECTOR, f'tr[data-key="{key_id}"]').text)
        status, _, body = api(base, f"/v1/infer/{MODEL}", secret, {"text": "hello"})
        check(status == 403, f"the revoked key is refused by the API ({status} {body})")
        usage = driver.find_element(By.CSS_SELECTOR, "#keys-table tbody tr .usage").text
        check(re.search(r"\d+ of 10000/month", usage), f"each key shows its use of its quota ({usage})")
        check(all(secret_ not in driver.page_source for secret_ in clients + [admin, secret]), "no key's secret is on the page")
        accessibility(driver, "keys")
        shot(driver, "keys")

        print("models and canary")
        open_page(driver, wait, "models")
        wait.until(lambda d: d.find_elements(By.ID, f"release-{MODEL}-version"))
        Select(driver.find_element(By.ID, f"release-{MODEL}-version")).select_by_value("1")
        weight = driver.find_element(By.ID, f"release-{MODEL}-weight")
        weight.clear()
        weight.send_keys("50")
        driver.find_element(By.CSS_SELECTOR, f'form[data-model="{MODEL}"] button[type=submit]').click()
        wait.until(lambda d: "canary v1 at 50%" in d.find_element(By.ID, f"model-{MODEL}").text)
        answered = {}
        statuses = set()
        for round_ in range(3):
            for key in clients:
                status, headers, _ = api(base, f"/v1/models/{MODEL}/classify", key, {"text": f"test {round_} of the canary"})
                statuses.add(status)
                version = headers.get("X-Magpie-Model-Version") or headers.get("x-magpie-model-version")
                answered[version] = answered.get(version, 0) + 1
        check(statuses == {200}, f"every API request with a client key was answered ({statuses})")
        check(set(answered) == {"1", "2"}, f"both stable and canary answered real traffic ({answered})")

        def table_counts(d):
            rows = d.find_elements(By.CSS_SELECTOR, f"#model-{MODEL} table.comparison tbody tr")
            counts = {}
            for row in rows:
                cells = row.find_elements(By.CSS_SELECTOR, "th, td")
                version = re.search(r"v(\d+)", cells[0].text).group(1)
                counts[version] = int(cells[2].text)
            return counts

        wait.until(lambda d: table_counts(d) == answered)
        check(table_counts(driver) == answered, f"the canary's and stable's request counts match the API's answers {answered}")
        rows = driver.find_elements(By.CSS_SELECTOR, f"#model-{MODEL} table.comparison tbody tr")
        check(all(re.search(r"\d ms", row.text) for row in rows), "both versions show p50 and p99 latency")
        check("canary_started" in driver.find_element(By.ID, f"model-{MODEL}").text, "the canary's start is listed as a decision")
        accessibility(driver, "models")
        shot(driver, "models")

        print("traffic")
        with ThreadPoolExecutor(max_workers=16) as pool:
            batched = list(pool.map(lambda index: api(base, f"/v1/infer/{ENCODER_MODEL}", clients[0],
                                                      {"text": f"text number {index} for the encoder"})[0], range(48)))
        check(batched == [200] * 48, f"the encoder model answers concurrent requests ({set(batched)})")
        open_page(driver, wait, "traffic")
        sent = sum(answered.values())
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#traffic-list svg path.line"))

        def last_minute(d):
            match = re.search(r"Last minute: (\d+) requests", d.find_element(By.ID, "traffic-list").text)
            return int(match.group(1)) if match else -1

        wait.until(lambda d: last_minute(d) >= sent)
        check(last_minute(driver) >= sent, f"Traffic counts at least the {sent} canary requests in the last minute")
        def charts(model):
            return driver.find_elements(By.CSS_SELECTOR, f'article[aria-labelledby="traffic-{model}"] figure.chart h3')

        check([chart.text for chart in charts(MODEL)] == ["Requests per second", "Errors per 5 s", "Latency"],
              "Traffic draws requests/s, errors and latency")
        wait.until(lambda d: len(charts(ENCODER_MODEL)) == 4)
        check(charts(ENCODER_MODEL)[3].text == "Texts per forward pass",
              "Traffic draws an encoder model's batch size, which a model that does not batch lacks")
        traffic_text = driver.find_element(By.ID, "page-traffic").text
        check("of the canary" not in traffic_text, "Traffic shows no request's text")
        accessibility(driver, "traffic")
        shot(driver, "traffic")

        print("api reference")
        open_page(driver, wait, "api")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#api-reference .endpoint"))
        reference = driver.find_element(By.ID, "api-reference").text
        check("POST /v1/models/{model}/classify" in reference and "GET /v1/models" in reference,
              "API renders the OpenAPI document's routes")
        accessibility(driver, "api")
        shot(driver, "api")

        print("keyboard")
        driver.get(base + "/console#try")
        wait.until(lambda d: d.find_element(By.ID, "page-try").is_displayed())
        body = driver.find_element(By.TAG_NAME, "body")
        reached = []
        body.click()
        for _ in range(30):
            driver.switch_to.active_element.send_keys(Keys.TAB)
            active = driver.switch_to.active_element
            reached.append(active.get_attribute("data-page") or active.get_attribute("id") or active.tag_name)
            if active.get_attribute("data-page") == "keys":
                active.send_keys(Keys.ENTER)
                break
        check(all(page in reached for page in ("try", "models", "traffic", "keys")), f"Tab reaches the pages' links ({reached})")
        wait.until(lambda d: d.find_element(By.ID, "page-keys").is_displayed())
        check(driver.switch_to.active_element.get_attribute("id") == "keys-title",
              "Enter on a link opens the page and moves focus to its heading")

        print("sign out")
        driver.find_element(By.ID, "sign-out").click()
        wait.until(lambda d: d.find_element(By.ID, "page-signin").is_displayed())
        for path in ("/console/api/models", "/console/api/keys"):
            check(browser_fetch(driver, path) == 401, f"after sign-out, {path} answers 401")
        def shows_nothing(d):
            return (not d.find_element(By.ID, "page-keys").is_displayed()
                    and d.find_elements(By.CSS_SELECTOR, "#keys-table tbody tr, #models-list *, #traffic-list *") == []
                    and MODEL not in d.find_element(By.TAG_NAME, "body").text)

        check(shows_nothing(driver), "after sign-out, no key, model or figure is left in the page")
        driver.get(base + "/console#keys")
        driver.refresh()
        wait.until(lambda d: d.find_element(By.ID, "page-signin").is_displayed())
        check(shows_nothing(driver), "after sign-out, a reload shows the sign-in form and nothing else")
        print(f"console browser test: {len(CHECKS)} checks passed; screenshots in {SCREENSHOTS}")
    finally:
        if driver:
            driver.quit()
        if server:
            server.terminate()
            server.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
