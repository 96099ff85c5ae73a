"""A shared catalogue of academic books, so one world's library and reference manager agree.

``academic_books(ctx.shared("academic_books"), n)`` gives the same first books (same ISBN, title,
authors) to every environment seeded with the same seed, whatever ``n`` each asks for: the library
lends the book whose ISBN a reference item cites.
"""

from __future__ import annotations

import random

import attrs

from envfactory_core.env import fake

__all__ = ["Book", "academic_books", "isbn13", "valid_isbn13"]

# title, subjects, Library of Congress class
TITLES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Statistical Inference for the Social Sciences", ("Statistics", "Social sciences"), "HA29"),
    ("Foundations of Machine Learning Theory", ("Machine learning", "Computer science"), "Q325.5"),
    ("Introduction to Computational Neuroscience", ("Neuroscience", "Computational biology"), "QP357.5"),
    ("Urban Ecology: Cities as Ecosystems", ("Ecology", "Urban studies"), "QH541.5"),
    ("The Economics of Public Health", ("Economics", "Public health"), "RA410"),
    ("Quantum Mechanics for Engineers", ("Physics", "Engineering"), "QC174.12"),
    ("Modern Organic Synthesis", ("Chemistry",), "QD262"),
    ("Data Structures in Practice", ("Computer science", "Algorithms"), "QA76.9"),
    ("A History of the Atlantic World, 1500-1800", ("History",), "D210"),
    ("Cognitive Psychology: Mind and Brain", ("Psychology", "Neuroscience"), "BF201"),
    ("Methods in Qualitative Research", ("Research methods", "Social sciences"), "H62"),
    ("Distributed Systems: Principles and Patterns", ("Computer science", "Distributed computing"), "QA76.9"),
    ("Climate Change and Coastal Cities", ("Climate science", "Urban studies"), "GE149"),
    ("Bayesian Methods for Ecology", ("Statistics", "Ecology"), "QH541.15"),
    ("Introduction to Fluid Mechanics", ("Physics", "Engineering"), "TA357"),
    ("Philosophy of Science: A Contemporary Introduction", ("Philosophy",), "Q175"),
    ("Genomics and Society", ("Genetics", "Ethics"), "QH447"),
    ("Microeconomic Theory: Markets and Incentives", ("Economics",), "HB172"),
    ("Designing Experiments in Biology", ("Biology", "Research methods"), "QH323.5"),
    ("The Politics of Energy Transitions", ("Political science", "Energy"), "HD9502"),
    ("Natural Language Processing: Models and Methods", ("Computer science", "Linguistics"), "QA76.9"),
    ("Medieval Europe: A Social History", ("History",), "D117"),
    ("Numerical Methods for Scientific Computing", ("Mathematics", "Computer science"), "QA297"),
    ("Behavioral Economics in Practice", ("Economics", "Psychology"), "HB74"),
    ("Marine Biology: Function and Change", ("Biology", "Oceanography"), "QH91"),
    ("Learning Theory and Classroom Practice", ("Education", "Psychology"), "LB1060"),
    ("Introduction to Graph Theory and Networks", ("Mathematics", "Network science"), "QA166"),
    ("Sociology of Work and Organizations", ("Sociology",), "HD6955"),
    ("Cell Biology: A Quantitative Approach", ("Biology",), "QH581.2"),
    ("Writing Research Papers in the Sciences", ("Academic writing", "Research methods"), "Q223"),
)
PUBLISHERS = (
    ("MIT Press", "0262"),
    ("Oxford University Press", "0198"),
    ("Cambridge University Press", "1108"),
    ("Princeton University Press", "0691"),
    ("Springer", "3030"),
    ("Routledge", "1138"),
    ("University of Chicago Press", "0226"),
    ("Wiley", "1119"),
)


@attrs.frozen(kw_only=True)
class Book:
    isbn: str
    title: str
    authors: tuple[str, ...]
    author_names: tuple[tuple[str, str], ...]
    publisher: str
    publish_year: int
    subjects: tuple[str, ...]
    lc_class: str
    pages: int


def _check_digit(first12: str) -> str:
    total = sum(int(digit) * (1 if index % 2 == 0 else 3) for index, digit in enumerate(first12))
    return str((10 - total % 10) % 10)


def isbn13(prefix: str, rng: random.Random) -> str:
    """A valid ISBN-13 starting ``978`` + ``prefix``, the rest drawn from ``rng``."""
    body = "978" + prefix
    body += "".join(str(rng.randint(0, 9)) for _ in range(12 - len(body)))
    return body + _check_digit(body)


def valid_isbn13(value: str) -> bool:
    """True when ``value`` is 13 digits with a correct ISBN-13 check digit."""
    return len(value) == 13 and value.isdigit() and _check_digit(value[:12]) == value[12]


def academic_books(rng: random.Random, count: int) -> list[Book]:
    """The first ``count`` books of the shared catalogue for this RNG (prefix-stable in ``count``)."""
    order = list(TITLES)
    rng.shuffle(order)
    books: list[Book] = []
    seen: set[str] = set()
    for title, subjects, lc_class in order[: min(count, len(order))]:
        publisher, prefix = rng.choice(PUBLISHERS)
        isbn = isbn13(prefix, rng)
        while isbn in seen:
            isbn = isbn13(prefix, rng)
        seen.add(isbn)
        names = tuple(
            (rng.choice(fake.FIRST_NAMES), rng.choice(fake.LAST_NAMES)) for _ in range(rng.choice((1, 1, 2, 3)))
        )
        books.append(
            Book(
                isbn=isbn,
                title=title,
                authors=tuple(f"{first} {last}" for first, last in names),
                author_names=names,
                publisher=publisher,
                publish_year=rng.randint(2006, 2024),
                subjects=subjects,
                lc_class=lc_class,
                pages=rng.randint(180, 720),
            )
        )
    return books
