"""yearctl for a Russian school: with LANG=ru_RU.UTF-8 (the locale `.ci/run` generates) every answer of the year's
story is Russian, with Russian dates and the names the school's papers use, refusals included; `--json` is the same
bytes whatever the language; a bad `--lang` and a locale that is not installed are handled as the README says."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from conftest import YEARCTL, run_as

OK, REFUSED, USAGE, DENIED = 0, 1, 2, 3
DATE_RU = re.compile(r"\b\d\d\.\d\d\.20\d\d\b")
MOMENT_RU = re.compile(r"\b\d\d\.\d\d\.20\d\d \d\d:\d\d\b")


def locale_installed(name: str) -> bool:
    names = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower().split()
    return name.lower().replace("utf-8", "utf8") in names


@pytest.fixture(autouse=True)
def russian_locale():
    if not locale_installed("ru_RU.utf8"):
        pytest.skip("the ru_RU.UTF-8 locale is not generated (scripts/install-test-deps generates it as root)")


def ctl(d, user, *args, lang="ru_RU.UTF-8"):
    env = {key: value for key, value in os.environ.items() if key not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env["LANG"] = lang
    result = run_as(user, [str(YEARCTL), "--socket", str(d.socket), *args], env=env)
    return result.returncode, result.stdout, result.stderr


def test_the_year_story_in_russian(daemon):
    d = daemon()
    rc, out, err = ctl(d, "yeard-admin", "year", "create", "2026/2027", "--school", "school-a")
    assert rc == OK, err
    assert "Учебный год 2026/2027" in out and "состояние: открыт" in out, out
    assert "yearctl year start" in out
    year = re.search(r"\(id (\d+)\)", out).group(1)

    rc, out, err = ctl(d, "yeard-admin", "year", "list")
    assert rc == OK, err
    assert out.splitlines()[0].split() == ["ID", "ШКОЛА", "ГОД", "СОСТОЯНИЕ", "НАЧАЛО", "КОНЕЦ", "ВЕРСИЯ"], out
    assert "01.09.2026" in out and "открыт" in out and "2026-09-01" not in out, out

    rc, out, err = ctl(d, "yeard-admin", "year", "start", year, "--reason", "уроки начинаются")
    assert rc == OK, err
    assert out.startswith("Заявка ") and "начало учебного года 2026/2027" in out and "(открыт -> идёт)" in out, out
    assert MOMENT_RU.search(out), out
    request = re.search(r"Заявка (\d+) подана", out).group(1)

    rc, out, err = ctl(d, "yeard-auditor", "status")
    assert rc == OK, err
    assert "работает" in out and "СОСТОЯНИЕ" in out and "ЗАЯВОК ЖДЁТ" in out, out

    # Refusals arrive typed and are rendered in Russian: a missing role, then a self-approval.
    rc, out, err = ctl(d, "yeard-admin", "request", "approve", request, "--yes")
    assert rc == DENIED, (out, err)
    assert "доступ запрещён" in err and "«координатор»" in err, err
    rc, out, err = ctl(d, "yeard-admin-coord", "year", "create", "2026/2027", "--school", "school-b")
    own_year = re.search(r"\(id (\d+)\)", out).group(1)
    rc, out, err = ctl(d, "yeard-admin-coord", "year", "start", own_year)
    own = re.search(r"Заявка (\d+) подана", out).group(1)
    rc, out, err = ctl(d, "yeard-admin-coord", "request", "approve", own, "--yes")
    assert rc == REFUSED, (out, err)
    assert f"заявку {own} подали вы; одобрить её должен другой человек с ролью координатора" in err, err

    rc, out, err = ctl(d, "yeard-coord", "request", "show", request)
    assert rc == OK, err
    assert "ожидает решения" in out and "основание:      уроки начинаются" in out, out
    assert "переход:        начало: открыт -> идёт" in out, out

    rc, out, err = ctl(d, "yeard-coord", "request", "approve", request, "--yes", "--reason", "проверено")
    assert rc == OK, err
    assert f"Заявка {request} одобрена: учебный год 2026/2027 школы school-a теперь идёт" in out, out

    rc, out, err = ctl(d, "yeard-coord", "request", "list")
    assert rc == OK, err
    assert "одобрена" in out and "ДЕЙСТВУЕТ ДО" in out and MOMENT_RU.search(out), out

    rc, out, err = ctl(d, "yeard-auditor", "movement", "--school", "school-a", "--from", "2026-09-01", "--to",
                       "2026-09-30")
    assert rc == OK, err
    assert "Движение обучающихся: школа school-a, учебный год 2026/2027, с 01.09.2026 по 30.09.2026" in out, out
    rc, out, err = ctl(d, "yeard-auditor", "audit", "verify")
    assert rc == OK and "цепочка аудита цела" in out, (out, err)
    rc, out, err = ctl(d, "yeard-auditor", "audit", "list")
    assert rc == OK and "ПОЛЬЗОВАТЕЛЬ" in out and MOMENT_RU.search(out), (out, err)

    # A transition that does not apply names the state and the events in Russian.
    rc, out, err = ctl(d, "yeard-admin", "year", "reopen", year, "--reason", "ошибка")
    assert rc == REFUSED, (out, err)
    assert "учебный год 2026/2027 идёт: «возобновление» неприменимо" in err, err


def test_json_is_the_same_bytes_in_every_language(daemon):
    d = daemon()
    rc, out, err = ctl(d, "yeard-admin", "year", "create", "2026/2027", "--school", "school-a", "--json", lang="C")
    year = str(json.loads(out)["year"]["id"])
    rc, out, err = ctl(d, "yeard-admin", "year", "start", year, "--json", lang="C")
    request = str(json.loads(out)["request"]["id"])
    for args in (
        ["year", "list"], ["year", "show", year], ["request", "list"], ["request", "show", request],
        ["school", "list"], ["request", "approve", request, "--yes"],
    ):
        # The last call is refused (the admin is no coordinator): the error's JSON must not change either.
        english = ctl(d, "yeard-admin", *args, "--json", lang="C")
        russian = ctl(d, "yeard-admin", *args, "--json", lang="ru_RU.UTF-8")
        assert english == russian, (args, english, russian)
        assert english[1].strip(), args
    # status carries the uptime, which may tick between two calls: compare it without that field.
    english = json.loads(ctl(d, "yeard-admin", "status", "--json", lang="C")[1])
    russian = json.loads(ctl(d, "yeard-admin", "status", "--json", lang="ru_RU.UTF-8")[1])
    english.pop("uptimeSeconds")
    russian.pop("uptimeSeconds")
    assert english == russian


def test_a_bad_language_and_a_missing_locale(daemon):
    d = daemon()
    rc, out, err = ctl(d, "yeard-admin", "status", "--lang", "de")
    assert rc == USAGE, (out, err)
    assert "неизвестный язык «de»" in err and "en, ru" in err, err
    rc, out, err = ctl(d, "yeard-admin", "status", "--lang", "de", lang="C")
    assert rc == USAGE and "unknown language 'de' for --lang; the languages installed are: en, ru" in err, err
    # --lang chooses, whatever the locale.
    rc, out, err = ctl(d, "yeard-admin", "year", "list", "--lang", "en")
    assert rc == OK and "no years yet" in out, (out, err)
    rc, out, err = ctl(d, "yeard-admin", "year", "list", "--lang", "ru", lang="C")
    assert rc == OK and "учебных лет пока нет" in out, (out, err)
    rc, out, err = ctl(d, "yeard-admin", "--lang", "ru", "year", "list", lang="C")
    assert rc == OK and "учебных лет пока нет" in out, (out, err)
    rc, out, err = ctl(d, "yeard-admin", "--lang=ru", "year", "list", lang="C")
    assert rc == OK and "учебных лет пока нет" in out, (out, err)
    # A locale that is not generated here: English, and one warning saying why.
    if locale_installed("ru_UA.utf8"):
        pytest.skip("ru_UA.UTF-8 happens to be installed")
    rc, out, err = ctl(d, "yeard-admin", "year", "list", lang="ru_UA.UTF-8")
    assert rc == OK and "no years yet" in out, (out, err)
    assert err.count("the locale ru_UA.UTF-8 is not installed") == 1, err


from test_demo import demo  # noqa: E402,F401  (the demo school's fixture: a full generated registry)

ISO_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)$")
# Every kind the demo's root may write (admin, secretary); grades are the teachers' (the unit tests read them).
KINDS = ["staff", "subjects", "classes", "students", "guardians", "consents", "applications", "curriculum",
         "assignments", "schedule", "periods", "decisions", "orders", "certificates", "retakes"]


def test_russian_headers_import_as_english_ones_for_every_kind(demo):
    import csv
    import io

    directory, socket_path = demo
    for kind in KINDS:
        result = run_as("root", [str(YEARCTL), "--socket", str(socket_path), "export", kind])
        assert result.returncode == 0, result.stderr
        english = result.stdout
        result = run_as("root", [str(YEARCTL), "--socket", str(socket_path), "export", kind, "--headers", "ru"])
        assert result.returncode == 0, result.stderr
        russian = list(csv.reader(io.StringIO(result.stdout)))
        assert russian[1:] == list(csv.reader(io.StringIO(english)))[1:], kind
        assert all(re.search("[а-яА-Я]", name) for name in russian[0]), (kind, russian[0])
        # As Russian Excel saves it: semicolons, a BOM, CRLF, dates as DD.MM.YYYY.
        text = io.StringIO()
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(russian[0])
        for row in russian[1:]:
            writer.writerow([ISO_DATE.sub(r"\3.\2.\1", field) for field in row])
        path = directory / f"ru-{kind}.csv"
        path.write_text(text.getvalue(), encoding="utf-8-sig", newline="")
        result = run_as("root", [str(YEARCTL), "--socket", str(socket_path), "import", kind, str(path), "--json"])
        assert result.returncode == 0, (kind, result.stdout, result.stderr)
        report = json.loads(result.stdout)
        assert report["problemCount"] == 0 and report["extraColumns"] == [], report
        assert report["added"] == 0 and report["changed"] == 0 and report["unchanged"] == report["rows"], report
        assert report["rows"] == len(russian) - 1, report
        result = run_as("root", [str(YEARCTL), "--socket", str(socket_path), "export", kind])
        assert result.stdout == english, kind


def test_a_misspelt_russian_header_is_named_with_the_nearest(demo):
    directory, socket_path = demo
    path = directory / "typo.csv"
    path.write_text("ID ученика;Фамилея;Имя;Пол\r\nS1;Петров;Пётр;М\r\n", encoding="utf-8")
    result = run_as("root", [str(YEARCTL), "--socket", str(socket_path), "import", "students", str(path)])
    assert result.returncode == REFUSED, (result.stdout, result.stderr)
    assert "'Фамилея' is not a known name: did you mean 'Фамилия'?" in result.stderr, result.stderr
    result = run_as("root", [str(YEARCTL), "--lang", "ru", "--socket", str(socket_path), "import", "students", str(path)])
    assert result.returncode == REFUSED, (result.stdout, result.stderr)
    assert "«Фамилея» не является известным названием: возможно, имелось в виду «Фамилия»?" in result.stderr, result.stderr


def test_a_windows_1251_file_from_russian_excel(daemon):
    d = daemon()
    text = "ID сотрудника;Фамилия;Имя;Отчество;Должность;Логин\r\nT1;Ёлкина;Анна;Ивановна;учитель № 1;aelkina\r\n"
    path = d.dir / "staff-1251.csv"
    path.write_bytes(text.encode("cp1251"))
    path.chmod(0o644)
    rc, out, err = ctl(d, "yeard-secretary", "import", "staff", str(path), "--school", "school-a")
    assert rc == OK, (out, err)
    assert "строк 1; добавлено 1" in out and "прочитан в кодировке WINDOWS-1251" in out, out
    rc, out, err = ctl(d, "yeard-secretary", "import", "staff", str(path), "--school", "school-a", "--json", lang="C")
    assert json.loads(out)["encoding"] == "windows1251" and json.loads(out)["unchanged"] == 1, out
    rc, out, err = ctl(d, "yeard-auditor", "export", "staff", "--school", "school-a")
    assert "T1,Ёлкина,Анна,Ивановна,учитель № 1,aelkina" in out, out

    # UTF-16 with a byte-order mark and tabs between fields, as Excel's "Unicode text" writes it.
    path16 = d.dir / "staff-16.txt"
    path16.write_bytes(text.replace("T1;Ёлкина", "T2;Ёлкина").replace("aelkina", "b").replace(";", "\t").encode("utf-16"))
    path16.chmod(0o644)
    rc, out, err = ctl(d, "yeard-secretary", "import", "staff", str(path16), "--school", "school-a", "--json")
    assert rc == OK and json.loads(out)["encoding"] == "utf16le" and json.loads(out)["added"] == 1, (out, err)

    # KOI8-R is neither: refused with how to save the file, nothing written.
    koi = d.dir / "staff-koi8.csv"
    koi.write_bytes(text.replace("T1", "T3").replace("№", "N").encode("koi8_r"))
    koi.chmod(0o644)
    rc, out, err = ctl(d, "yeard-secretary", "import", "staff", str(koi), "--school", "school-a")
    assert rc == REFUSED, (out, err)
    assert "не загружен, ничего не записано" in err and "сохраните его из табличного редактора как «CSV UTF-8»" in err, err
    rc, out, err = ctl(d, "yeard-secretary", "import", "staff", str(koi), "--school", "school-a", "--encoding", "koi8")
    assert rc == USAGE and "неизвестная кодировка «koi8»" in err, err


def test_a_russian_schools_report_files_and_readiness_in_chromium(daemon):
    import shutil
    import time

    from conftest import make_temp_dir
    from test_checks import load

    out = make_temp_dir("yeard-reports-ru-")
    reports = out / "reports"
    d = daemon(schools=(), extra=f"""
[checks]
reports_dir = "{reports}"

[[school]]
id = "school-a"
time_zone = "Europe/Moscow"
language = "ru"
checks_schedule = "0 6 * * *"

[[school]]
id = "school-b"
""")
    load(d)
    d.restart()
    last = reports / "school-a" / "readiness-close.html"
    deadline = time.monotonic() + 20
    while not last.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert last.exists(), d.stderr()
    text = (reports / "school-a" / "readiness-start.txt").read_text()
    assert text.startswith("Готовность к началу: school-a, учебный год 2026/2027\nНЕ ГОТОВ к началу"), text
    assert "ВАЖНОСТЬ" in text and MOMENT_RU.search(text), text
    # The findings themselves, said in Russian from their parameters.
    assert "нет согласия на обработку персональных данных" in text, text
    # JSON is for programs: English keys and values whatever the school's language.
    report = json.loads((reports / "school-a" / "readiness-start.json").read_text())
    assert report["ready"] is False and report["target"] == "start", report

    # yearctl renders the readiness report in its user's language, text and HTML.
    rc, out_text, err = ctl(d, "root", "report", "readiness", "--for", "close", "--school", "school-a")
    assert rc == REFUSED and out_text.startswith("Готовность к закрытию: school-a"), (out_text, err)
    assert re.search(r"\d+ ошиб(ка|ки|ок), \d+ предупрежд", out_text), out_text
    page = out / "readiness-ru.html"
    rc, _, err = ctl(d, "root", "report", "readiness", "--for", "close", "--school", "school-a", "--format", "html",
                     "--output", str(page))
    assert rc == REFUSED and page.exists(), err
    html = page.read_text()
    assert '<html lang="ru">' in html and "Замечания по классам" in html, html[:500]
    rc, english, err = ctl(d, "root", "report", "readiness", "--for", "close", "--school", "school-a", lang="C")
    assert english.startswith("Readiness to close: school-a, 2026/2027"), english

    # Chromium lays the Russian page out with real glyphs: its DOM carries the Cyrillic text, and the screenshot
    # is a real picture (fonts-dejavu-core has Cyrillic; a missing font would draw boxes).
    browser = shutil.which("chromium")
    assert browser, "chromium is installed by scripts/install-test-deps"
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
                         check=True, capture_output=True, text=True, timeout=120).stdout
    assert "НЕ ГОТОВ к закрытию" in dom and "Замечания по проверкам" in dom, dom[:500]
    shot = out / "readiness-ru.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    image = shot.read_bytes()
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and len(image) > 20000, len(image)
    fonts = subprocess.run(["fc-list", ":lang=ru", "family"], capture_output=True, text=True).stdout
    assert "DejaVu" in fonts, f"no Cyrillic font for Chromium: {fonts!r}"


def test_the_rollover_plan_in_russian(daemon):
    from test_checks import load

    d = daemon()
    year = load(d)
    rc, out, err = ctl(d, "yeard-coord", "rollover", "plan", "--school", "school-a")
    assert rc == USAGE, (out, err)
    rc, out, err = ctl(d, "yeard-admin", "year", "start", str(year["id"]), "--json", lang="C")
    request = json.loads(out)["request"]["id"]
    rc, out, err = ctl(d, "yeard-coord", "request", "approve", str(request), "--yes", "--accept", "consent.missing",
                       "--accept", "guardian.no-contact", "--reason", "проверено")
    assert rc == OK, (out, err)
    rc, out, err = ctl(d, "yeard-coord", "rollover", "plan", "--school", "school-a", "--students")
    assert rc == OK, (out, err)
    assert "Перевод школы school-a: 2026/2027 -> 2027/2028 (с 01.09.2027 по 31.05.2028)" in out, out
    assert "Итоги: выпущен: 1, переведён: 2" in out, out
    assert "ПЕРЕХОДИТ В" in out and "(закрывается)" in out and "(выбывает)" in out, out
    assert "переносится: учебная нагрузка, наполняемость, классные руководители, учебный план, профили" in out, out
    # The class teacher by name, not by id (6А keeps 5А's teacher, T1).
    line = next(line for line in out.splitlines() if line.startswith("6А "))
    assert "Петрова Анна" in line and "T1" not in line, out

    # An error of the plan is said in Russian, naming the student and the classes; --json keeps the English
    # sentence and gives the note it is said from.
    rc, out, err = ctl(d, "yeard-admin", "rollover", "map", "11А", "12А", "--school", "school-a")
    assert rc == OK, (out, err)
    rc, out, err = ctl(d, "yeard-coord", "rollover", "plan", "--school", "school-a")
    assert rc == REFUSED, (out, err)
    assert "1 ошибка не даёт подать заявку по этому плану:" in out, out
    assert "класс 12А выходит за параллели школы 1–11: измените соответствие классов" in out, out
    rc, out, err = ctl(d, "yeard-coord", "rollover", "plan", "--school", "school-a", "--json")
    plan = json.loads(out)
    assert any(e.startswith("class 12А is beyond the school's grades 1-11") for e in plan["errors"]), plan
    assert {"code": "beyond-grades", "params": {"class": "12А", "first": "1", "last": "11"}} in plan["error_notes"]
    rc, out, err = ctl(d, "yeard-admin", "rollover", "map", "11А", "--remove", "--school", "school-a")
    assert rc == OK, (out, err)


def test_an_import_with_a_bad_row_says_its_problem_in_russian(daemon):
    d = daemon()
    rc, out, err = ctl(d, "yeard-admin", "year", "create", "2026/2027", "--school", "school-a", "--json", lang="C")
    assert rc == OK, err
    path = d.dir / "students-bad.csv"
    path.write_text("Фамилия;Имя;ID ученика;Пол;Дата рождения\r\nИванов;Пётр;S1;М;31.02.2015\r\nПетрова;Анна;S2;X;\r\n",
                    encoding="utf-8-sig")
    path.chmod(0o644)
    rc, out, err = ctl(d, "yeard-secretary", "import", "students", str(path), "--school", "school-a")
    assert rc == REFUSED, (out, err)
    assert "students-bad.csv не загружен, ничего не записано: 2 проблемы" in err, err
    assert ("students-bad.csv:2:5 (birth_date): ожидалась дата вида 01.09.2026 или 2026-09-01, получено «31.02.2015»"
            in err), err
    assert "students-bad.csv:3:4 (gender): ожидалось М или Ж (M или F), получено «X»" in err, err
    # The same refusal in English, and the same JSON in both languages.
    rc, out, english = ctl(d, "yeard-secretary", "import", "students", str(path), "--school", "school-a", lang="C")
    assert "students-bad.csv:2:5 (birth_date): expected a date as 2026-09-01 or 01.09.2026, got '31.02.2015'" in english
    assert (ctl(d, "yeard-secretary", "import", "students", str(path), "--school", "school-a", "--json", lang="C")[1]
            == ctl(d, "yeard-secretary", "import", "students", str(path), "--school", "school-a", "--json")[1])


def test_a_refused_parameter_says_why_in_russian(daemon):
    d = daemon()
    rc, out, err = ctl(d, "yeard-admin", "year", "create", "2026/2028", "--school", "school-a")
    assert rc != OK, (out, err)
    assert "ожидались два года подряд, например 2026/2027, получено «2026/2028»" in err, err
    # The same refusal in English for an English caller: the daemon's sentence, and nothing Russian.
    rc, out, err = ctl(d, "yeard-admin", "year", "create", "2026/2028", "--school", "school-a", lang="C")
    assert "expected two consecutive years like 2026/2027, got '2026/2028'" in err, err
