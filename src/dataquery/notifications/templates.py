"""Mail texts in Russian and Kazakh (the recipient's language), each as plain text and HTML."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("ru", "kz")

SUBJECTS: dict[str, dict[str, str]] = {
    "distribution_report": {
        "ru": "Распределение пула за {day}: {distributed} из {pool_size}",
        "kz": "{day} күнгі пулды бөлу: {pool_size} ішінен {distributed}",
    },
    "distribution_failed": {
        "ru": "Распределение пула за {day} не выполнено",
        "kz": "{day} күнгі пулды бөлу орындалмады",
    },
    "deploy_done": {
        "ru": "Кампания {code} развёрнута: {target} в целевой группе",
        "kz": "{code} науқаны іске қосылды: мақсатты топта {target}",
    },
    "deploy_failed": {
        "ru": "Кампания {code} не развёрнута",
        "kz": "{code} науқаны іске қосылмады",
    },
    "upload_done": {
        "ru": "Файл {filename} загружен: {unique_iins} ИИН",
        "kz": "{filename} файлы жүктелді: {unique_iins} ЖСН",
    },
    "upload_failed": {
        "ru": "Файл {filename} не загружен",
        "kz": "{filename} файлы жүктелмеді",
    },
    "export_ready": {
        "ru": "Выгрузка {filename} готова",
        "kz": "{filename} экспорты дайын",
    },
    "job_failed": {
        "ru": "Задача {kind} завершилась ошибкой",
        "kz": "{kind} тапсырмасы қатемен аяқталды",
    },
}

INTROS: dict[str, dict[str, str]] = {
    "distribution_report": {
        "ru": "Пул новых пользователей за {day} распределён: {distributed} из {pool_size}.",
        "kz": "{day} күнгі жаңа пайдаланушылар пулы бөлінді: {pool_size} ішінен {distributed}.",
    },
    "distribution_failed": {
        "ru": "Распределение за {day} не выполнено, ничего не записано. Ошибка: {error}",
        "kz": "{day} күнгі бөлу орындалмады, ештеңе жазылмады. Қате: {error}",
    },
    "deploy_done": {
        "ru": "Кампания {code} «{name}» развёрнута: целевая {target}, контрольная {control}.",
        "kz": "{code} «{name}» науқаны іске қосылды: мақсатты {target}, бақылау {control}.",
    },
    "deploy_failed": {
        "ru": "Кампания {code} «{name}» не развёрнута, ничего не записано. Ошибка: {error}",
        "kz": "{code} «{name}» науқаны іске қосылмады, ештеңе жазылмады. Қате: {error}",
    },
    "upload_done": {
        "ru": "Файл {filename} обработан: строк {rows_total}, уникальных ИИН {unique_iins}.",
        "kz": "{filename} файлы өңделді: жолдар {rows_total}, бірегей ЖСН {unique_iins}.",
    },
    "upload_failed": {
        "ru": "Файл {filename} не загружен, ничего не сохранено. Ошибка: {error}",
        "kz": "{filename} файлы жүктелмеді, ештеңе сақталмады. Қате: {error}",
    },
    "export_ready": {
        "ru": "Выгрузка {filename} ({rows} строк) готова. Скачайте её в DataQuery Pro.",
        "kz": "{filename} экспорты ({rows} жол) дайын. Оны DataQuery Pro-дан жүктеп алыңыз.",
    },
    "job_failed": {
        "ru": "Задача {kind} ({job_id}) пользователя {owner} завершилась ошибкой: {error}",
        "kz": "{owner} пайдаланушысының {kind} ({job_id}) тапсырмасы қатемен аяқталды: {error}",
    },
}

HEADERS = {
    "ru": ["Кампания", "Название", "Целевая", "Контрольная"],
    "kz": ["Науқан", "Атауы", "Мақсатты", "Бақылау"],
}
UNDISTRIBUTED = {"ru": "Не распределены (причина: число)", "kz": "Бөлінбегендер (себебі: саны)"}
ATTACHED = {
    "ru": "Во вложении — список ИИН по кампаниям (XLSX).",
    "kz": "Қосымшада — науқандар бойынша ЖСН тізімі (XLSX).",
}


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str


def language_of(value: str | None) -> str:
    return value if value in LANGUAGES else "ru"


def render(kind: str, language: str, params: dict[str, Any],
           table: list[list[Any]] | None = None) -> Mail:  # fmt: skip
    """The mail of `kind`; `table` (rows under HEADERS) is added as text and as an HTML table."""
    language = language_of(language)
    subject = SUBJECTS[kind][language].format(**params)
    intro = INTROS[kind][language].format(**params)
    text_lines, html_parts = [intro], [f"<p>{html.escape(intro)}</p>"]
    if table is not None:
        headers = HEADERS[language]
        text_lines += ["", "\t".join(headers)] + ["\t".join(str(c) for c in row) for row in table]
        head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
            for row in table
        )
        html_parts.append(f'<table border="1" cellpadding="4"><tr>{head}</tr>{body}</table>')
    undistributed = params.get("undistributed")
    if undistributed:
        listed = ", ".join(f"{reason}: {count}" for reason, count in undistributed.items())
        text_lines += ["", f"{UNDISTRIBUTED[language]}: {listed}"]
        html_parts.append(f"<p>{html.escape(UNDISTRIBUTED[language])}: {html.escape(listed)}</p>")
    if params.get("attached"):
        text_lines += ["", ATTACHED[language]]
        html_parts.append(f"<p>{html.escape(ATTACHED[language])}</p>")
    if params.get("link"):
        text_lines += ["", str(params["link"])]
        link = html.escape(str(params["link"]))
        html_parts.append(f'<p><a href="{link}">{link}</a></p>')
    return Mail(subject, "\n".join(text_lines) + "\n", "<html><body>" + "".join(html_parts)
                + "</body></html>")  # fmt: skip
