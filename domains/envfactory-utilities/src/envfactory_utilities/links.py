"""Links: a URL shortener with custom back-halves, tags and click counts, after the Bitly API v4
(shorten, bitlinks, custom bitlinks, expand, clicks summary, branded short domains).

A document's or an event's ``url`` from another environment is exactly what ``shorten_url``
takes, and ``expand_link`` turns a short link back into that ``url``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, TypedDict

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.tables import TableView
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import BASE62, is_http_url, iso, parse_date, seed_token, world_sites

__all__ = ["environment"]

DEFAULT_DOMAIN = "bit.ly"
CUSTOM_BACK_HALVES_PER_MONTH = 10
MAX_TAGS = 10
CLICK_WINDOW_DAYS = 30
_BACK_HALF = re.compile(r"^[A-Za-z0-9_-]{1,50}$")

POLICY = """\
Link shortener account rules (enforced by the tools):
- Only absolute http or https URLs can be shortened, and a link on one of the account's short domains
  (bit.ly or a branded domain) cannot be shortened again.
- Shortening a URL that already has a link on the same domain returns the existing link unchanged.
- A custom back-half is 1 to 50 letters, digits, hyphens or underscores, is unique on its domain, and can
  only be added on one of the account's domains. The account may create at most 10 custom back-halves
  per calendar month. Archived links cannot get new custom back-halves.
- A link carries at most 10 tags of 1 to 50 characters each.
- A link that has recorded clicks cannot be deleted: archive it instead.
- Click counts cover whole days; without dates they cover the last 30 days up to today.
"""

environment = Environment(
    name="links",
    domain="utilities",
    description=(
        "URL shortener after the Bitly API v4 shorten, bitlinks, custom back-half, expand and click summary "
        "endpoints: short links for a url, branded domains, tags and daily click counts."
    ),
    tables=[
        table("domains", primary_key="domain", domain=str, branded=bool, is_default=bool, created_at=str),
        table(
            "links",
            primary_key="link_id",
            link_id=str,
            domain=str,
            url=str,
            title=str | None,
            tags=list,
            archived=bool,
            created_at=str,
        ),
        table(
            "custom_back_halves",
            primary_key=("domain", "back_half"),
            domain=str,
            back_half=str,
            link_id=str,
            created_at=str,
        ),
        table("daily_clicks", primary_key=("link_id", "date"), link_id=str, date=str, clicks=int, top_country=str),
    ],
    policy=POLICY,
    now="2025-06-16T08:30:00+00:00",
    provenance=Provenance(
        source="Bitly API v4 (shorten, bitlinks, custom bitlinks, expand, clicks summary, branded short domains)",
        url="https://dev.bitly.com/api-reference",
    ),
)


# --- outputs -------------------------------------------------------------------------------------


class ShortLink(TypedDict):
    """A short link.

    Args:
        link_id: Link id: the short domain and its hash, e.g. bit.ly/3FxQk2p.
        short_url: The short URL to share.
        url: The long URL it redirects to.
        domain: The short domain.
        title: Title shown in the link list.
        tags: Tags on the link.
        archived: Whether the link is archived (it still redirects).
        custom_short_urls: Short URLs made from custom back-halves.
        total_clicks: Clicks recorded over the link's life.
        created_at: When the link was created.
    """

    link_id: str
    short_url: str
    url: str
    domain: str
    title: str | None
    tags: list[str]
    archived: bool
    custom_short_urls: list[str]
    total_clicks: int
    created_at: str


class ShortenResult(ShortLink):
    """The link for a shortened URL.

    Args:
        link_id: Link id: the short domain and its hash, e.g. bit.ly/3FxQk2p.
        short_url: The short URL to share.
        url: The long URL it redirects to.
        domain: The short domain.
        title: Title shown in the link list.
        tags: Tags on the link.
        archived: Whether the link is archived (it still redirects).
        custom_short_urls: Short URLs made from custom back-halves.
        total_clicks: Clicks recorded over the link's life.
        created_at: When the link was created.
        created: False when the URL already had a link on this domain and that link is returned.
    """

    created: bool


class LinkList(TypedDict):
    """Short links.

    Args:
        links: Matching links, newest first.
        count: Number of links returned.
        total: Number of matching links before limit and offset.
    """

    links: list[ShortLink]
    count: int
    total: int


class ExpandedLink(TypedDict):
    """Where a short URL leads.

    Args:
        link_id: The link's id.
        short_url: The short URL that was expanded.
        url: The long URL it redirects to.
    """

    link_id: str
    short_url: str
    url: str


class CustomBackHalf(TypedDict):
    """A custom back-half added to a link.

    Args:
        link_id: The link it points to.
        short_url: The new custom short URL.
        url: The long URL behind it.
        domain: Its short domain.
        back_half: The custom back-half.
        created_at: When it was added.
        remaining_this_month: Custom back-halves the account can still add this month.
    """

    link_id: str
    short_url: str
    url: str
    domain: str
    back_half: str
    created_at: str
    remaining_this_month: int


class DayClicks(TypedDict):
    """Clicks on one day.

    Args:
        date: The day (YYYY-MM-DD).
        clicks: Clicks that day.
    """

    date: str
    clicks: int


class CountryClicks(TypedDict):
    """Clicks from one country.

    Args:
        country: ISO 3166 alpha-2 country code.
        clicks: Clicks from that country (days where it led).
    """

    country: str
    clicks: int


class ClickSummary(TypedDict):
    """Clicks on a link over a date range.

    Args:
        link_id: The link's id.
        url: The long URL.
        start_date: First day counted.
        end_date: Last day counted.
        total_clicks: Clicks in the range.
        days: Days with clicks, earliest first.
        countries: Leading countries, most clicks first.
    """

    link_id: str
    url: str
    start_date: str
    end_date: str
    total_clicks: int
    days: list[DayClicks]
    countries: list[CountryClicks]


class ShortDomain(TypedDict):
    """A short domain the account can use.

    Args:
        domain: The short domain.
        branded: True for a branded short domain the account owns.
        is_default: True for the domain used when none is given.
        link_count: Links on this domain.
    """

    domain: str
    branded: bool
    is_default: bool
    link_count: int


class DomainList(TypedDict):
    """Short domains.

    Args:
        domains: The account's short domains.
        count: Number of domains.
    """

    domains: list[ShortDomain]
    count: int


class DeletedLink(TypedDict):
    """A removed link.

    Args:
        link_id: The removed link's id.
        url: The long URL it pointed to.
        custom_back_halves_deleted: Custom back-halves removed with it.
    """

    link_id: str
    url: str
    custom_back_halves_deleted: int


# --- helpers -------------------------------------------------------------------------------------


def _link_output(row: dict[str, Any], custom: TableView, clicks: TableView) -> ShortLink:
    link_id = str(row["link_id"])
    customs = [f"https://{item['domain']}/{item['back_half']}" for item in custom.find(link_id=link_id)]
    total = sum(int(day["clicks"]) for day in clicks.find(link_id=link_id))
    return ShortLink(
        link_id=link_id,
        short_url=f"https://{link_id}",
        url=str(row["url"]),
        domain=str(row["domain"]),
        title=None if row["title"] is None else str(row["title"]),
        tags=[str(tag) for tag in row["tags"]],
        archived=bool(row["archived"]),
        custom_short_urls=sorted(customs),
        total_clicks=total,
        created_at=str(row["created_at"]),
    )


def _strip_scheme(value: str) -> str:
    return re.sub(r"^https?://", "", value.strip(), flags=re.IGNORECASE).rstrip("/")


def _find_link(ctx: Context, link_id: str) -> dict[str, Any]:
    """A link by its id, its short URL, or one of its custom short URLs."""
    links = ctx.table("links")
    bare = _strip_scheme(link_id)
    row = links.get(bare)
    if row is not None:
        return row
    if "/" in bare:
        domain, back_half = bare.split("/", 1)
        custom = ctx.table("custom_back_halves").get(domain.lower(), back_half)
        if custom is not None:
            return links.require(custom["link_id"], what="link")
    raise ToolError(f"link {link_id!r} not found; give an id such as bit.ly/3FxQk2p or the short URL", code="not_found")


def _clean_tags(tags: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(tag.strip() for tag in tags))
    if any(not tag or len(tag) > 50 for tag in cleaned):
        raise ToolError("each tag must be 1 to 50 characters long")
    if len(cleaned) > MAX_TAGS:
        raise ToolError(f"a link carries at most {MAX_TAGS} tags; got {len(cleaned)}")
    return cleaned


def _used_this_month(custom: TableView, month: str) -> int:
    return sum(1 for row in custom.all() if str(row["created_at"]).startswith(month))


# --- tools ---------------------------------------------------------------------------------------

LinkId = Annotated[str, Arg(description="Link id (bit.ly/3FxQk2p) or its short URL.", min_length=3, max_length=300)]
Tags = Annotated[list[str], Arg(description="Tags for the link (at most 10).")]


@environment.tool(effect="write")
def shorten_url(
    ctx: Context,
    url: Annotated[str, Arg(min_length=8, max_length=2048)],
    domain: Annotated[str, Arg(max_length=253)] | None = None,
    title: Annotated[str, Arg(max_length=200)] | None = None,
    tags: Tags | None = None,
) -> ShortenResult:
    """Create a short link for a long URL (or return the existing one for that URL on that domain).

    Args:
        url: The long http(s) URL to shorten, e.g. the web link of a shared file or an event page.
        domain: Short domain to use (default: the account's default domain).
        title: Title for the link list.
        tags: Tags for the link.
    """
    domains = ctx.table("domains")
    links = ctx.table("links")
    target = url.strip()
    if not is_http_url(target):
        raise ToolError(f"url {url!r} is not an absolute http or https URL")
    host = re.split(r"[/?#:]", _strip_scheme(target), maxsplit=1)[0].lower()
    if domains.get(host) is not None:
        raise ToolError(f"{target} is already a short link on {host}; use expand_link to see where it leads")
    if domain is None:
        default = domains.first(is_default=True)
        short_domain = str(default["domain"]) if default else DEFAULT_DOMAIN
    else:
        short_domain = domain.strip().lower()
        if domains.get(short_domain) is None:
            names = ", ".join(str(row["domain"]) for row in domains.all())
            raise ToolError(f"domain {domain!r} is not one of the account's short domains ({names})")
    clean_tags = _clean_tags(tags) if tags is not None else []
    existing = links.first(domain=short_domain, url=target)
    if existing is not None:
        return ShortenResult(
            **_link_output(existing, ctx.table("custom_back_halves"), ctx.table("daily_clicks")), created=False
        )
    row = links.insert(
        {
            "link_id": f"{short_domain}/{ctx.new_id(length=7, alphabet=BASE62)}",
            "domain": short_domain,
            "url": target,
            "title": title,
            "tags": clean_tags,
            "archived": False,
            "created_at": iso(ctx.now),
        }
    )
    return ShortenResult(**_link_output(row, ctx.table("custom_back_halves"), ctx.table("daily_clicks")), created=True)


@environment.tool(effect="read")
def get_link(ctx: Context, link_id: LinkId) -> ShortLink:
    """Get a short link: where it leads, its tags, custom short URLs and total clicks.

    Args:
        link_id: The link's id or short URL (a custom short URL works too).
    """
    row = _find_link(ctx, link_id)
    return _link_output(row, ctx.table("custom_back_halves"), ctx.table("daily_clicks"))


@environment.tool(effect="read")
def expand_link(ctx: Context, short_url: Annotated[str, Arg(min_length=3, max_length=300)]) -> ExpandedLink:
    """Find the long URL behind a short URL (a bit.ly link, a branded link or a custom back-half).

    Args:
        short_url: The short URL, e.g. https://bit.ly/3FxQk2p or go.lumenlabs.io/spring-sale.
    """
    row = _find_link(ctx, short_url)
    bare = _strip_scheme(short_url)
    return ExpandedLink(link_id=str(row["link_id"]), short_url=f"https://{bare}", url=str(row["url"]))


@environment.tool(effect="read")
def list_links(
    ctx: Context,
    query: Annotated[str, Arg(max_length=200)] | None = None,
    tag: Annotated[str, Arg(max_length=50)] | None = None,
    archived: bool = False,
    limit: Annotated[int, Arg(minimum=1, maximum=100, mask=True)] = 20,
    offset: Annotated[int, Arg(minimum=0, maximum=10000, mask=True)] = 0,
) -> LinkList:
    """List short links, newest first, optionally matching text, a tag, or archived ones.

    Args:
        query: Text to find in the title or the long URL (case-insensitive).
        tag: Only links with this tag.
        archived: True to list archived links instead of active ones.
        limit: Most links to return.
        offset: Links to skip (for paging).
    """
    rows = ctx.table("links").find(archived=archived, order_by=["created_at", "link_id"], descending=True)
    if query is not None:
        needle = query.strip().casefold()
        rows = [
            row for row in rows if needle in str(row["url"]).casefold() or needle in str(row["title"] or "").casefold()
        ]
    if tag is not None:
        rows = [row for row in rows if tag in row["tags"]]
    shown = page(rows, limit, offset)
    custom, clicks = ctx.table("custom_back_halves"), ctx.table("daily_clicks")
    return LinkList(links=[_link_output(row, custom, clicks) for row in shown], count=len(shown), total=len(rows))


@environment.tool(effect="write")
def update_link(
    ctx: Context,
    link_id: LinkId,
    title: Annotated[str, Arg(max_length=200)] | None = None,
    tags: Tags | None = None,
    archived: bool | None = None,
) -> ShortLink:
    """Change a link's title or tags (tags replace the old ones), or archive or unarchive it.

    Args:
        link_id: The link's id or short URL.
        title: New title.
        tags: New tags, replacing the current ones.
        archived: True to archive, false to restore.
    """
    row = _find_link(ctx, link_id)
    changes: dict[str, object] = {}
    if title is not None:
        changes["title"] = title
    if tags is not None:
        changes["tags"] = _clean_tags(tags)
    if archived is not None:
        changes["archived"] = archived
    if not changes:
        raise ToolError("nothing to change: give a title, tags or archived")
    if all(row[key] == value for key, value in changes.items()):
        raise ToolError(f"link {row['link_id']} already has these values")
    updated = ctx.table("links").update(row["link_id"], changes)
    return _link_output(updated, ctx.table("custom_back_halves"), ctx.table("daily_clicks"))


@environment.tool(effect="write")
def add_custom_back_half(
    ctx: Context,
    link_id: LinkId,
    back_half: Annotated[str, Arg(description="The custom ending, e.g. spring-sale.", min_length=1, max_length=50)],
    domain: Annotated[str, Arg(max_length=253)] | None = None,
) -> CustomBackHalf:
    """Give a link a memorable custom short URL (domain/back-half), e.g. go.lumenlabs.io/spring-sale.

    Args:
        link_id: The link's id or short URL.
        back_half: The custom ending: letters, digits, hyphens or underscores.
        domain: Short domain for the custom URL (default: the link's own domain).
    """
    row = _find_link(ctx, link_id)
    if row["archived"]:
        raise ToolError(f"link {row['link_id']} is archived; restore it before adding a custom back-half")
    if not _BACK_HALF.match(back_half):
        raise ToolError(f"back_half {back_half!r} may only hold 1 to 50 letters, digits, hyphens or underscores")
    short_domain = str(row["domain"]) if domain is None else domain.strip().lower()
    if ctx.table("domains").get(short_domain) is None:
        raise ToolError(f"domain {domain!r} is not one of the account's short domains")
    custom = ctx.table("custom_back_halves")
    taken = custom.get(short_domain, back_half)
    if taken is not None or ctx.table("links").get(f"{short_domain}/{back_half}") is not None:
        raise ToolError(f"{short_domain}/{back_half} is already taken; choose another back-half")
    month = ctx.today.isoformat()[:7]
    used = _used_this_month(custom, month)
    if used >= CUSTOM_BACK_HALVES_PER_MONTH:
        raise ToolError(
            f"the account has used all {CUSTOM_BACK_HALVES_PER_MONTH} custom back-halves for {month}; "
            "the allowance renews on the first of next month"
        )
    stamp = iso(ctx.now)
    custom.insert({"domain": short_domain, "back_half": back_half, "link_id": row["link_id"], "created_at": stamp})
    return CustomBackHalf(
        link_id=str(row["link_id"]),
        short_url=f"https://{short_domain}/{back_half}",
        url=str(row["url"]),
        domain=short_domain,
        back_half=back_half,
        created_at=stamp,
        remaining_this_month=CUSTOM_BACK_HALVES_PER_MONTH - used - 1,
    )


@environment.tool(effect="read")
def get_click_summary(
    ctx: Context,
    link_id: LinkId,
    start_date: str | None = None,
    end_date: str | None = None,
) -> ClickSummary:
    """Count a link's clicks per day and by leading country over a date range (default: the last 30 days).

    Args:
        link_id: The link's id or short URL.
        start_date: First day to count (YYYY-MM-DD).
        end_date: Last day to count (YYYY-MM-DD, default today).
    """
    row = _find_link(ctx, link_id)
    end = parse_date(end_date, "end_date") if end_date is not None else ctx.today
    start = (
        parse_date(start_date, "start_date") if start_date is not None else end - timedelta(days=CLICK_WINDOW_DAYS - 1)
    )
    if end < start:
        raise ToolError(f"end_date {end.isoformat()} is before start_date {start.isoformat()}")
    days = [
        day
        for day in ctx.table("daily_clicks").find(link_id=row["link_id"], order_by="date")
        if start.isoformat() <= str(day["date"]) <= end.isoformat()
    ]
    countries: dict[str, int] = {}
    for day in days:
        countries[str(day["top_country"])] = countries.get(str(day["top_country"]), 0) + int(day["clicks"])
    ranked = sorted(countries.items(), key=lambda item: (-item[1], item[0]))
    return ClickSummary(
        link_id=str(row["link_id"]),
        url=str(row["url"]),
        start_date=start.isoformat(),
        end_date=end.isoformat(),
        total_clicks=sum(int(day["clicks"]) for day in days),
        days=[DayClicks(date=str(day["date"]), clicks=int(day["clicks"])) for day in days],
        countries=[CountryClicks(country=country, clicks=clicks) for country, clicks in ranked],
    )


@environment.tool(effect="read")
def list_domains(ctx: Context) -> DomainList:
    """List the short domains the account can create links on."""
    links = ctx.table("links")
    rows = ctx.table("domains").all(order_by="domain")
    return DomainList(
        domains=[
            ShortDomain(
                domain=str(row["domain"]),
                branded=bool(row["branded"]),
                is_default=bool(row["is_default"]),
                link_count=links.count(domain=row["domain"]),
            )
            for row in rows
        ],
        count=len(rows),
    )


@environment.tool(effect="write")
def delete_link(ctx: Context, link_id: LinkId) -> DeletedLink:
    """Delete a link that has never been clicked (links with clicks can only be archived).

    Args:
        link_id: The link's id or short URL.
    """
    row = _find_link(ctx, link_id)
    clicks = sum(int(day["clicks"]) for day in ctx.table("daily_clicks").find(link_id=row["link_id"]))
    if clicks:
        raise ToolError(
            f"link {row['link_id']} has {clicks} recorded clicks and cannot be deleted; archive it with update_link"
        )
    custom = ctx.table("custom_back_halves")
    removed = custom.find(link_id=row["link_id"])
    for item in removed:
        custom.delete(item["domain"], item["back_half"])
    ctx.table("links").delete(row["link_id"])
    return DeletedLink(link_id=str(row["link_id"]), url=str(row["url"]), custom_back_halves_deleted=len(removed))


# --- seed ----------------------------------------------------------------------------------------

_PAGES = (
    ("blog/{slug}", "{title} - blog"),
    ("events/{slug}", "{title} event page"),
    ("careers/{slug}", "Careers: {title}"),
    ("pricing", "Pricing"),
    ("docs/getting-started", "Getting started guide"),
    ("newsletter/{month}", "Newsletter {month}"),
    ("webinars/{slug}", "Webinar: {title}"),
    ("press/{slug}", "Press release: {title}"),
)
_TAGS = ("campaign", "newsletter", "social", "docs", "hiring", "events", "partners", "spring-2025", "webinar", "press")
_COUNTRIES = ("US", "GB", "DE", "PT", "CA", "IN", "BR", "JP", "FR", "NL")


@environment.seed
def seed(ctx: SeedContext) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    sites = world_sites(ctx)
    own = sites[0]
    opened = ctx.now - timedelta(days=rng.randint(200, 700))
    branded = f"go.{own.domain}"
    branded_default = rng.random() < 0.6
    domains = [
        {"domain": DEFAULT_DOMAIN, "branded": False, "is_default": not branded_default, "created_at": iso(opened)},
        {
            "domain": branded,
            "branded": True,
            "is_default": branded_default,
            "created_at": iso(opened + timedelta(days=rng.randint(1, 60))),
        },
    ]
    links: list[dict[str, Any]] = []
    custom: list[dict[str, Any]] = []
    clicks: list[dict[str, Any]] = []
    urls: set[str] = set()
    for _ in range(max(4, ctx.size * 2)):
        title = fake.title_words(rng, 2)
        slug = fake.slug(title)
        created = ctx.now - timedelta(days=rng.randint(0, 180), minutes=rng.randrange(0, 1440, 5))
        path, title_form = rng.choice(_PAGES)
        site = own if rng.random() < 0.75 else rng.choice(sites[1:])
        url = f"https://www.{site.domain}/{path.format(slug=slug, month=created.strftime('%Y-%m'))}"
        if rng.random() < 0.4:
            url += f"?utm_source={rng.choice(('newsletter', 'linkedin', 'twitter', 'email'))}&utm_campaign={slug}"
        if url in urls:
            continue
        urls.add(url)
        domain = branded if rng.random() < 0.5 else DEFAULT_DOMAIN
        link_id = f"{domain}/{seed_token(rng, 7, BASE62)}"
        links.append(
            {
                "link_id": link_id,
                "domain": domain,
                "url": url,
                "title": title_form.format(title=title, month=created.strftime("%B %Y"))
                if rng.random() < 0.85
                else None,
                "tags": sorted(rng.sample(_TAGS, rng.randint(0, 3))),
                "archived": rng.random() < 0.15,
                "created_at": iso(created),
            }
        )
        ending = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if rng.random() < 0.3 and (domain, ending) not in {(row["domain"], row["back_half"]) for row in custom}:
            custom.append(
                {
                    "domain": domain,
                    "back_half": ending,
                    "link_id": link_id,
                    "created_at": iso(created + timedelta(minutes=rng.randint(1, 90))),
                }
            )
        age = (ctx.now - created).days
        if age > 0 and rng.random() < 0.8:
            for offset in sorted(rng.sample(range(min(age, 45)), min(age, 45, rng.randint(1, 5)))):
                day = (ctx.now - timedelta(days=offset)).date().isoformat()
                clicks.append(
                    {
                        "link_id": link_id,
                        "date": day,
                        "clicks": rng.randint(1, 240),
                        "top_country": rng.choice(_COUNTRIES),
                    }
                )
    return {"domains": domains, "links": links, "custom_back_halves": custom, "daily_clicks": clicks}
