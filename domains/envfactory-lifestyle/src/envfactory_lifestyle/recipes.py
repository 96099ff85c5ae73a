"""Recipes, meal plans and shopping lists after the Spoonacular Food API.

Recipes carry their ingredients with aisles, and diet labels derived from what is in them (a recipe
with chicken is not vegetarian, one with soy sauce is not gluten free), the way Spoonacular's recipe
information reports ``vegetarian``/``glutenFree`` flags. Connected users keep a meal plan (one recipe
per meal slot per day) and a shopping list that Spoonacular's "generate shopping list" endpoint
fills from the planned meals, scaled to the planned servings and merged by product and unit.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Annotated, Any, Literal, TypedDict, cast

from envfactory_core.env import Arg, Context, Environment, SeedContext, ToolError, fake, table
from envfactory_core.env.values import page
from envfactory_core.models import Provenance

from ._common import NOW, days_between, next_int_id, parse_day

__all__ = ["environment"]

PLAN_HORIZON_DAYS = 28
MAX_LIST_SPAN_DAYS = 14
SLOTS = ("breakfast", "lunch", "dinner")
DIETS = ("vegetarian", "vegan", "pescetarian", "gluten free", "dairy free")
INTOLERANCES = ("dairy", "egg", "gluten", "peanut", "tree nut", "sesame", "shellfish", "fish", "soy")
WHOLE_UNITS = {"piece", "clove", "slice"}

POLICY = """\
Meal planner rules:
- A user's meal plan holds at most one recipe per meal slot (breakfast, lunch, dinner) per day.
  Meals can be planned from today up to 28 days ahead; past days are history and cannot be changed.
- A recipe can only be planned if it fits the user's diet and intolerances (a vegetarian user cannot
  plan a recipe with meat or fish; a user intolerant to gluten cannot plan a recipe with gluten).
- Servings are 1 to 12 per meal; ingredient quantities on the shopping list scale with them.
- Generating a shopping list covers at most 14 days. It adds each planned meal's ingredients once:
  meals already added to the list are skipped, so generating twice never doubles quantities.
- The shopping list merges a product with an unchecked entry of the same product and unit.
"""

environment = Environment(
    name="recipes",
    domain="lifestyle",
    description=(
        "Recipe search, meal planning and shopping lists after the Spoonacular Food API's recipe search, recipe "
        "information, meal planner and shopping list endpoints: find recipes by cuisine, diet and intolerances, "
        "plan meals for a user, and turn the plan into a shopping list of products and quantities."
    ),
    tables=[
        table(
            "recipes",
            primary_key="recipe_id",
            recipe_id=int,
            title=str,
            cuisine=str,
            dish_type=str,
            ready_in_minutes=int,
            servings=int,
            calories_per_serving=int,
            price_per_serving=float,
            likes=int,
            health_score=int,
            diets=list,
            allergens=list,
            ingredients=list,
            source_url=str,
        ),
        table(
            "users",
            primary_key="username",
            username=str,
            email=str,
            first_name=str,
            last_name=str,
            diet=str | None,
            intolerances=list,
        ),
        table(
            "meal_plan_items",
            primary_key="meal_plan_item_id",
            meal_plan_item_id=int,
            username=str,
            date=str,
            slot=str,
            recipe_id=int,
            servings=int,
            added_to_shopping_list=bool,
        ),
        table(
            "shopping_list_items",
            primary_key="shopping_item_id",
            shopping_item_id=int,
            username=str,
            product=str,
            quantity=float,
            unit=str,
            aisle=str,
            checked=bool,
        ),
    ],
    policy=POLICY,
    now=NOW,
    provenance=Provenance(
        source="Spoonacular Food API: Search Recipes, Get Recipe Information, Meal Planner, Shopping List",
        url="https://spoonacular.com/food-api/docs",
    ),
)


# --- ingredient and recipe catalogue --------------------------------------------------------------------------

# name: (aisle, unit, kind, allergens). Kind drives the diet labels: meat/poultry/fish/shellfish rule out
# vegetarian; dairy/egg/honey rule out vegan.
INGREDIENTS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "spaghetti": ("Pasta and Rice", "g", "plant", ("gluten",)),
    "penne": ("Pasta and Rice", "g", "plant", ("gluten",)),
    "arborio rice": ("Pasta and Rice", "g", "plant", ()),
    "basmati rice": ("Pasta and Rice", "g", "plant", ()),
    "jasmine rice": ("Pasta and Rice", "g", "plant", ()),
    "rice noodles": ("Pasta and Rice", "g", "plant", ()),
    "quinoa": ("Pasta and Rice", "g", "plant", ()),
    "red lentils": ("Pasta and Rice", "g", "plant", ()),
    "olive oil": ("Oil, Vinegar, Salad Dressing", "tbsp", "plant", ()),
    "sesame oil": ("Ethnic Foods", "tbsp", "plant", ("sesame",)),
    "red wine vinegar": ("Oil, Vinegar, Salad Dressing", "tbsp", "plant", ()),
    "garlic": ("Produce", "clove", "plant", ()),
    "onion": ("Produce", "piece", "plant", ()),
    "red onion": ("Produce", "piece", "plant", ()),
    "shallot": ("Produce", "piece", "plant", ()),
    "tomato": ("Produce", "piece", "plant", ()),
    "basil": ("Produce", "g", "plant", ()),
    "cilantro": ("Produce", "g", "plant", ()),
    "ginger": ("Produce", "g", "plant", ()),
    "lime": ("Produce", "piece", "plant", ()),
    "lemon": ("Produce", "piece", "plant", ()),
    "spinach": ("Produce", "g", "plant", ()),
    "bell pepper": ("Produce", "piece", "plant", ()),
    "zucchini": ("Produce", "piece", "plant", ()),
    "eggplant": ("Produce", "piece", "plant", ()),
    "carrot": ("Produce", "piece", "plant", ()),
    "broccoli": ("Produce", "g", "plant", ()),
    "mushrooms": ("Produce", "g", "plant", ()),
    "potato": ("Produce", "g", "plant", ()),
    "sweet potato": ("Produce", "piece", "plant", ()),
    "avocado": ("Produce", "piece", "plant", ()),
    "cucumber": ("Produce", "piece", "plant", ()),
    "lettuce": ("Produce", "piece", "plant", ()),
    "scallions": ("Produce", "piece", "plant", ()),
    "banana": ("Produce", "piece", "plant", ()),
    "blueberries": ("Produce", "g", "plant", ()),
    "canned tomatoes": ("Canned and Jarred", "g", "plant", ()),
    "chickpeas": ("Canned and Jarred", "g", "plant", ()),
    "black beans": ("Canned and Jarred", "g", "plant", ()),
    "coconut milk": ("Canned and Jarred", "ml", "plant", ()),
    "kalamata olives": ("Canned and Jarred", "g", "plant", ()),
    "vegetable broth": ("Canned and Jarred", "ml", "plant", ()),
    "beef broth": ("Canned and Jarred", "ml", "meat", ()),
    "soy sauce": ("Ethnic Foods", "tbsp", "plant", ("soy", "gluten")),
    "fish sauce": ("Ethnic Foods", "tbsp", "fish", ("fish",)),
    "miso paste": ("Ethnic Foods", "tbsp", "plant", ("soy",)),
    "green curry paste": ("Ethnic Foods", "tbsp", "plant", ()),
    "gochujang": ("Ethnic Foods", "tbsp", "plant", ("soy", "gluten")),
    "corn tortillas": ("Ethnic Foods", "piece", "plant", ()),
    "tofu": ("Refrigerated", "g", "plant", ("soy",)),
    "peanut butter": ("Nut butters, Jams, and Honey", "tbsp", "plant", ("peanut",)),
    "honey": ("Nut butters, Jams, and Honey", "tbsp", "honey", ()),
    "peanuts": ("Nuts", "g", "plant", ("peanut",)),
    "cashews": ("Nuts", "g", "plant", ("tree nut",)),
    "garam masala": ("Spices and Seasonings", "tsp", "plant", ()),
    "cumin": ("Spices and Seasonings", "tsp", "plant", ()),
    "paprika": ("Spices and Seasonings", "tsp", "plant", ()),
    "rosemary": ("Spices and Seasonings", "tsp", "plant", ()),
    "all-purpose flour": ("Baking", "g", "plant", ("gluten",)),
    "sugar": ("Baking", "g", "plant", ()),
    "rolled oats": ("Cereal", "g", "plant", ()),
    "sourdough bread": ("Bakery/Bread", "slice", "plant", ("gluten",)),
    "burger buns": ("Bakery/Bread", "piece", "plant", ("gluten", "sesame")),
    "parmesan": ("Cheese", "g", "dairy", ("dairy",)),
    "mozzarella": ("Cheese", "g", "dairy", ("dairy",)),
    "feta": ("Cheese", "g", "dairy", ("dairy",)),
    "gruyere": ("Cheese", "g", "dairy", ("dairy",)),
    "cheddar": ("Cheese", "slice", "dairy", ("dairy",)),
    "butter": ("Milk, Eggs, Other Dairy", "g", "dairy", ("dairy",)),
    "heavy cream": ("Milk, Eggs, Other Dairy", "ml", "dairy", ("dairy",)),
    "milk": ("Milk, Eggs, Other Dairy", "ml", "dairy", ("dairy",)),
    "greek yogurt": ("Milk, Eggs, Other Dairy", "g", "dairy", ("dairy",)),
    "eggs": ("Milk, Eggs, Other Dairy", "piece", "egg", ("egg",)),
    "chicken thighs": ("Meat", "g", "poultry", ()),
    "ground beef": ("Meat", "g", "meat", ()),
    "pancetta": ("Meat", "g", "meat", ()),
    "salmon fillet": ("Seafood", "g", "fish", ("fish",)),
    "cod fillet": ("Seafood", "g", "fish", ("fish",)),
    "shrimp": ("Seafood", "g", "shellfish", ("shellfish",)),
}

# title, cuisine, dish type, minutes, servings, calories per serving, ingredients with amounts
RECIPES: tuple[tuple[str, str, str, int, int, int, tuple[tuple[str, float], ...]], ...] = (
    ("Spaghetti Carbonara", "Italian", "main course", 25, 4, 620,
     (("spaghetti", 400), ("pancetta", 150), ("eggs", 3), ("parmesan", 80), ("garlic", 2))),
    ("Creamy Mushroom Risotto", "Italian", "main course", 40, 4, 480,
     (("arborio rice", 320), ("mushrooms", 300), ("shallot", 2), ("vegetable broth", 1200), ("parmesan", 60),
      ("butter", 40), ("olive oil", 2))),
    ("Penne with Tomato and Basil", "Italian", "main course", 25, 4, 430,
     (("penne", 400), ("canned tomatoes", 800), ("garlic", 3), ("basil", 20), ("olive oil", 3), ("parmesan", 40))),
    ("Caprese Salad", "Italian", "salad", 10, 2, 310,
     (("tomato", 3), ("mozzarella", 200), ("basil", 10), ("olive oil", 2))),
    ("Chicken Tikka Masala", "Indian", "main course", 50, 4, 560,
     (("chicken thighs", 700), ("greek yogurt", 150), ("canned tomatoes", 400), ("heavy cream", 150),
      ("garam masala", 2), ("ginger", 20), ("garlic", 4), ("onion", 1), ("basmati rice", 300))),
    ("Red Lentil Dal", "Indian", "main course", 35, 4, 380,
     (("red lentils", 250), ("coconut milk", 400), ("onion", 1), ("garlic", 3), ("ginger", 15), ("cumin", 2),
      ("spinach", 100), ("basmati rice", 300))),
    ("Chana Masala", "Indian", "main course", 30, 4, 350,
     (("chickpeas", 800), ("canned tomatoes", 400), ("onion", 1), ("garam masala", 2), ("cumin", 1),
      ("ginger", 15), ("cilantro", 10))),
    ("Pad Thai with Shrimp", "Thai", "main course", 30, 2, 590,
     (("rice noodles", 200), ("shrimp", 250), ("eggs", 2), ("peanuts", 40), ("fish sauce", 2), ("lime", 1),
      ("scallions", 3))),
    ("Thai Green Curry with Tofu", "Thai", "main course", 30, 4, 450,
     (("tofu", 400), ("coconut milk", 400), ("green curry paste", 3), ("bell pepper", 1), ("zucchini", 1),
      ("jasmine rice", 300))),
    ("Peanut Noodle Salad", "Thai", "salad", 20, 2, 540,
     (("rice noodles", 200), ("peanut butter", 3), ("soy sauce", 2), ("lime", 1), ("carrot", 1), ("cucumber", 1),
      ("cilantro", 10), ("sesame oil", 1))),
    ("Chicken Teriyaki Rice Bowl", "Japanese", "main course", 25, 2, 610,
     (("chicken thighs", 400), ("soy sauce", 4), ("honey", 2), ("ginger", 10), ("garlic", 2), ("jasmine rice", 200),
      ("scallions", 2))),
    ("Miso Glazed Salmon", "Japanese", "main course", 20, 2, 520,
     (("salmon fillet", 400), ("miso paste", 2), ("honey", 1), ("soy sauce", 1), ("sesame oil", 1),
      ("scallions", 2))),
    ("Beef Tacos", "Mexican", "main course", 25, 4, 540,
     (("ground beef", 500), ("corn tortillas", 12), ("onion", 1), ("cumin", 2), ("paprika", 1), ("avocado", 2),
      ("lime", 1), ("cilantro", 10))),
    ("Black Bean and Sweet Potato Tacos", "Mexican", "main course", 35, 4, 420,
     (("sweet potato", 2), ("black beans", 400), ("corn tortillas", 8), ("avocado", 1), ("lime", 1),
      ("cilantro", 10), ("cumin", 1))),
    ("Shakshuka", "Mediterranean", "breakfast", 30, 2, 340,
     (("eggs", 4), ("canned tomatoes", 400), ("bell pepper", 1), ("onion", 1), ("garlic", 2), ("cumin", 1),
      ("paprika", 1), ("feta", 50))),
    ("Greek Salad", "Mediterranean", "salad", 15, 2, 330,
     (("cucumber", 1), ("tomato", 3), ("red onion", 1), ("kalamata olives", 60), ("feta", 150), ("olive oil", 3))),
    ("Baked Cod with Lemon and Garlic", "Mediterranean", "main course", 25, 2, 280,
     (("cod fillet", 400), ("lemon", 1), ("garlic", 2), ("butter", 30), ("olive oil", 1))),
    ("Lemon Herb Roast Chicken with Potatoes", "American", "main course", 75, 4, 640,
     (("chicken thighs", 1000), ("potato", 800), ("lemon", 1), ("garlic", 4), ("olive oil", 3), ("rosemary", 2),
      ("paprika", 1))),
    ("Classic Cheeseburger", "American", "main course", 25, 4, 710,
     (("ground beef", 600), ("burger buns", 4), ("cheddar", 4), ("lettuce", 1), ("tomato", 1), ("red onion", 1))),
    ("Blueberry Overnight Oats", "American", "breakfast", 10, 2, 350,
     (("rolled oats", 100), ("milk", 250), ("greek yogurt", 100), ("blueberries", 100), ("honey", 2))),
    ("Banana Pancakes", "American", "breakfast", 20, 4, 390,
     (("all-purpose flour", 250), ("milk", 300), ("eggs", 2), ("banana", 2), ("butter", 30), ("sugar", 25))),
    ("Quinoa Buddha Bowl", "American", "main course", 30, 2, 510,
     (("quinoa", 150), ("chickpeas", 400), ("sweet potato", 1), ("spinach", 60), ("avocado", 1), ("lemon", 1),
      ("olive oil", 2))),
    ("Korean Bibimbap", "Korean", "main course", 40, 2, 600,
     (("jasmine rice", 200), ("ground beef", 200), ("spinach", 100), ("carrot", 1), ("eggs", 2), ("gochujang", 2),
      ("sesame oil", 1), ("soy sauce", 1))),
    ("French Onion Soup", "French", "soup", 70, 4, 450,
     (("onion", 5), ("butter", 50), ("beef broth", 1200), ("sourdough bread", 4), ("gruyere", 150))),
    ("Ratatouille", "French", "main course", 60, 4, 220,
     (("zucchini", 2), ("eggplant", 1), ("bell pepper", 2), ("canned tomatoes", 400), ("onion", 1), ("garlic", 3),
      ("olive oil", 4), ("basil", 10))),
    ("Vegetable Stir Fry with Cashews", "Chinese", "main course", 20, 2, 430,
     (("broccoli", 300), ("bell pepper", 1), ("carrot", 1), ("cashews", 60), ("soy sauce", 3), ("ginger", 10),
      ("garlic", 2), ("jasmine rice", 200))),
    ("Spanish Tortilla", "Spanish", "main course", 45, 4, 360,
     (("potato", 600), ("eggs", 6), ("onion", 1), ("olive oil", 6))),
    ("Gazpacho", "Spanish", "soup", 15, 4, 160,
     (("tomato", 6), ("cucumber", 1), ("bell pepper", 1), ("garlic", 1), ("olive oil", 3), ("red wine vinegar", 2))),
)  # fmt: skip

PANTRY_EXTRAS = (
    ("coffee beans", 1.0, "bag", "Tea and Coffee"),
    ("sparkling water", 6.0, "bottle", "Beverages"),
    ("paper towels", 1.0, "pack", "Household"),
    ("dishwasher tablets", 1.0, "pack", "Household"),
    ("sea salt", 1.0, "jar", "Spices and Seasonings"),
)


def _labels(ingredients: tuple[tuple[str, float], ...]) -> tuple[list[str], list[str]]:
    """Diet labels and allergens that follow from a recipe's ingredients."""
    kinds = {INGREDIENTS[name][2] for name, _ in ingredients}
    allergens = sorted({allergen for name, _ in ingredients for allergen in INGREDIENTS[name][3]})
    diets = []
    if not kinds & {"meat", "poultry", "fish", "shellfish"}:
        diets.append("vegetarian")
        if not kinds & {"dairy", "egg", "honey"}:
            diets.append("vegan")
    if not kinds & {"meat", "poultry"}:
        diets.append("pescetarian")
    if "gluten" not in allergens:
        diets.append("gluten free")
    if "dairy" not in allergens:
        diets.append("dairy free")
    return diets, allergens


# --- outputs ---------------------------------------------------------------------------------------------------


class RecipeSummary(TypedDict):
    """A recipe as search lists it.

    Args:
        recipe_id: The recipe's id.
        title: The recipe's name.
        diets: Diets the recipe fits (vegetarian, vegan, pescetarian, gluten free, dairy free).
    """

    recipe_id: int
    title: str
    cuisine: str
    dish_type: str
    ready_in_minutes: int
    servings: int
    calories_per_serving: int
    likes: int
    diets: list[str]


class RecipeSearch(TypedDict):
    recipes: list[RecipeSummary]
    count: int


class Ingredient(TypedDict):
    """One ingredient line.

    Args:
        product: What to buy, e.g. "basmati rice".
        quantity: How much for the recipe's servings.
        unit: Unit of the quantity (g, ml, piece, tbsp ...).
        aisle: Supermarket aisle.
    """

    product: str
    quantity: float
    unit: str
    aisle: str


class Recipe(TypedDict):
    """Full recipe information.

    Args:
        allergens: Allergens the ingredients contain.
        price_per_serving: Estimated cost per serving in USD.
        url: Where the recipe is published.
    """

    recipe_id: int
    title: str
    cuisine: str
    dish_type: str
    ready_in_minutes: int
    servings: int
    calories_per_serving: int
    price_per_serving: float
    likes: int
    health_score: int
    diets: list[str]
    allergens: list[str]
    ingredients: list[Ingredient]
    url: str


class PlannedMeal(TypedDict):
    """A recipe planned for a meal slot.

    Args:
        meal_plan_item_id: The meal plan entry's id.
        date: The day, YYYY-MM-DD.
        slot: breakfast, lunch or dinner.
        added_to_shopping_list: Whether its ingredients are already on the shopping list.
    """

    meal_plan_item_id: int
    username: str
    date: str
    slot: str
    recipe_id: int
    title: str
    servings: int
    calories: int
    added_to_shopping_list: bool


class PlanDay(TypedDict):
    date: str
    meals: list[PlannedMeal]
    calories: int


class MealPlan(TypedDict):
    username: str
    start_date: str
    end_date: str
    days: list[PlanDay]
    meal_count: int


class ShoppingItem(TypedDict):
    """A shopping list entry.

    Args:
        shopping_item_id: The entry's id.
        product: What to buy.
        quantity: How much to buy, in ``unit``.
    """

    shopping_item_id: int
    product: str
    quantity: float
    unit: str
    aisle: str
    checked: bool


class ShoppingList(TypedDict):
    """A user's shopping list, ordered by aisle.

    Args:
        items: Every entry on the list.
        count: Number of entries.
    """

    username: str
    email: str
    items: list[ShoppingItem]
    count: int


class GeneratedList(TypedDict):
    """The shopping list after adding a date range's planned meals.

    Args:
        meals_added: Number of planned meals whose ingredients were added.
        items: The whole list after the additions.
    """

    username: str
    email: str
    start_date: str
    end_date: str
    meals_added: int
    items: list[ShoppingItem]
    count: int


class RemovedMeal(TypedDict):
    removed: PlannedMeal
    note: str


class RemovedItem(TypedDict):
    removed: ShoppingItem
    count: int


# --- rules -----------------------------------------------------------------------------------------------------


def _user(ctx: Context, username: str) -> dict[str, Any]:
    return ctx.table("users").require(username, what="user")


def _recipe(ctx: Context, recipe_id: int) -> dict[str, Any]:
    return ctx.table("recipes").require(recipe_id, what="recipe")


def _summary(row: dict[str, Any]) -> RecipeSummary:
    return cast(RecipeSummary, {key: row[key] for key in RecipeSummary.__annotations__})


def _recipe_out(row: dict[str, Any]) -> Recipe:
    out = {key: row[key] for key in Recipe.__annotations__ if key != "url"}
    out["url"] = row["source_url"]
    return cast(Recipe, out)


def _conflict(user: dict[str, Any], recipe: dict[str, Any]) -> str | None:
    """Why a recipe does not fit a user's diet or intolerances, or None when it fits."""
    if user["diet"] and user["diet"] not in recipe["diets"]:
        return f"it is not {user['diet']}"
    for intolerance in user["intolerances"]:
        if intolerance in recipe["allergens"]:
            culprits = [
                item["product"] for item in recipe["ingredients"] if intolerance in INGREDIENTS[item["product"]][3]
            ]
            return f"it contains {intolerance} ({', '.join(culprits)})"
    return None


def _meal_out(ctx: Context, row: dict[str, Any]) -> PlannedMeal:
    recipe = ctx.table("recipes").get(row["recipe_id"]) or {"title": "", "calories_per_serving": 0}
    return {
        "meal_plan_item_id": row["meal_plan_item_id"],
        "username": row["username"],
        "date": row["date"],
        "slot": row["slot"],
        "recipe_id": row["recipe_id"],
        "title": recipe["title"],
        "servings": row["servings"],
        "calories": recipe["calories_per_serving"] * row["servings"],
        "added_to_shopping_list": row["added_to_shopping_list"],
    }


def _list_items(ctx: Context, username: str) -> list[ShoppingItem]:
    rows = ctx.table("shopping_list_items").find(username=username)
    rows.sort(key=lambda row: (row["aisle"], row["product"], row["shopping_item_id"]))
    return [cast(ShoppingItem, {key: row[key] for key in ShoppingItem.__annotations__}) for row in rows]


def _add_to_list(ctx: Context, username: str, product: str, quantity: float, unit: str, aisle: str) -> None:
    items = ctx.table("shopping_list_items")
    for row in items.find(username=username, unit=unit, checked=False):
        if row["product"].lower() == product.lower():
            items.update(row["shopping_item_id"], {"quantity": round(row["quantity"] + quantity, 2)})
            return
    items.insert(
        {
            "shopping_item_id": next_int_id(items, "shopping_item_id", 1001),
            "username": username,
            "product": product,
            "quantity": round(quantity, 2),
            "unit": unit,
            "aisle": aisle,
            "checked": False,
        }
    )


def _scaled(amount: float, unit: str, factor: float) -> float:
    quantity = amount * factor
    return float(math.ceil(quantity)) if unit in WHOLE_UNITS else round(quantity, 2)


def _plan_window(start_date: str, end_date: str | None, limit: int, what: str) -> tuple[date, date]:
    start = parse_day(start_date, "start_date")
    end = parse_day(end_date, "end_date") if end_date else start + timedelta(days=6)
    if end < start:
        raise ToolError(f"end_date {end.isoformat()} is before start_date {start.isoformat()}")
    if (end - start).days + 1 > limit:
        raise ToolError(f"{what} covers at most {limit} days; {start} to {end} is {(end - start).days + 1} days")
    return start, end


# --- tools -----------------------------------------------------------------------------------------------------


@environment.tool(effect="read")
def search_recipes(
    ctx: Context,
    query: str | None = None,
    cuisine: str | None = None,
    diet: Literal["vegetarian", "vegan", "pescetarian", "gluten free", "dairy free"] | None = None,
    intolerances: list[Literal["dairy", "egg", "gluten", "peanut", "tree nut", "sesame", "shellfish", "fish", "soy"]]
    | None = None,
    max_ready_time: Annotated[int, Arg(minimum=5, maximum=600)] | None = None,
    sort: Annotated[Literal["popularity", "time", "healthiness"], Arg(mask=True)] = "popularity",
    limit: Annotated[int, Arg(minimum=1, maximum=50, mask=True)] = 10,
) -> RecipeSearch:
    """Search recipes by words in the title or ingredients, cuisine, diet, intolerances and cooking time.

    Args:
        query: Words to find in the title or the ingredient names, e.g. "pasta" or "chickpeas".
        cuisine: Cuisine, e.g. "Italian" (case-insensitive).
        diet: Only recipes that fit this diet.
        intolerances: Leave out recipes containing any of these.
        max_ready_time: Longest total time in minutes.
        sort: Order: most liked, quickest, or healthiest first.
        limit: Most recipes to return.
    """
    found = []
    for row in ctx.table("recipes").all():
        text = " ".join([row["title"], *(item["product"] for item in row["ingredients"])]).lower()
        if query and not all(word in text for word in query.lower().split()):
            continue
        if cuisine and row["cuisine"].lower() != cuisine.strip().lower():
            continue
        if diet and diet not in row["diets"]:
            continue
        if intolerances and set(intolerances) & set(row["allergens"]):
            continue
        if max_ready_time is not None and row["ready_in_minutes"] > max_ready_time:
            continue
        found.append(row)
    orders = {
        "popularity": lambda row: (-row["likes"], row["recipe_id"]),
        "time": lambda row: (row["ready_in_minutes"], row["recipe_id"]),
        "healthiness": lambda row: (-row["health_score"], row["recipe_id"]),
    }
    found.sort(key=orders[sort])
    return {"recipes": [_summary(row) for row in page(found, limit)], "count": len(found)}


@environment.tool(effect="read")
def get_recipe(ctx: Context, recipe_id: int) -> Recipe:
    """Get a recipe's full information: ingredients with quantities and aisles, diets, allergens, cost.

    Args:
        recipe_id: The recipe's id (from search_recipes).
    """
    return _recipe_out(_recipe(ctx, recipe_id))


@environment.tool(effect="read")
def get_meal_plan(
    ctx: Context,
    username: str,
    start_date: Annotated[str, Arg(format="date")],
    end_date: Annotated[str, Arg(format="date")] | None = None,
) -> MealPlan:
    """Get a user's meal plan day by day, with calories per meal and per day.

    Args:
        username: The user's username.
        start_date: First day, YYYY-MM-DD.
        end_date: Last day, YYYY-MM-DD (default: a week from start_date).
    """
    _user(ctx, username)
    start, end = _plan_window(start_date, end_date, 62, "a meal plan view")
    meals = ctx.table("meal_plan_items").find(username=username)
    days: list[PlanDay] = []
    count = 0
    for day in days_between(start, end):
        on_day = [row for row in meals if row["date"] == day.isoformat()]
        on_day.sort(key=lambda row: SLOTS.index(row["slot"]))
        shown = [_meal_out(ctx, row) for row in on_day]
        count += len(shown)
        days.append({"date": day.isoformat(), "meals": shown, "calories": sum(meal["calories"] for meal in shown)})
    return {
        "username": username,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "days": days,
        "meal_count": count,
    }


@environment.tool(effect="write")
def add_to_meal_plan(
    ctx: Context,
    username: str,
    date: Annotated[str, Arg(format="date")],
    slot: Literal["breakfast", "lunch", "dinner"],
    recipe_id: int,
    servings: Annotated[int, Arg(minimum=1, maximum=12)] = 2,
) -> PlannedMeal:
    """Plan a recipe for a meal slot on a day, checked against the user's diet and intolerances.

    Args:
        username: The user's username.
        date: The day, YYYY-MM-DD (today up to 28 days ahead).
        slot: Which meal: breakfast, lunch or dinner.
        recipe_id: The recipe to plan.
        servings: How many servings to cook.
    """
    user = _user(ctx, username)
    recipe = _recipe(ctx, recipe_id)
    day = parse_day(date, "date")
    if day < ctx.today:
        raise ToolError(f"{day.isoformat()} is in the past (today is {ctx.today.isoformat()}); plan today or later")
    if day > ctx.today + timedelta(days=PLAN_HORIZON_DAYS):
        raise ToolError(f"meals can be planned up to {PLAN_HORIZON_DAYS} days ahead; {day.isoformat()} is too far out")
    conflict = _conflict(user, recipe)
    if conflict:
        raise ToolError(
            f"{recipe['title']} ({recipe_id}) does not fit {username}'s meal plan: {conflict}; "
            f"diet: {user['diet'] or 'none'}, intolerances: {', '.join(user['intolerances']) or 'none'}"
        )
    taken = ctx.table("meal_plan_items").first(username=username, date=day.isoformat(), slot=slot)
    if taken is not None:
        planned = ctx.table("recipes").get(taken["recipe_id"]) or {"title": str(taken["recipe_id"])}
        raise ToolError(
            f"{slot} on {day.isoformat()} already has {planned['title']} (meal_plan_item_id "
            f"{taken['meal_plan_item_id']}); remove it first to plan another recipe"
        )
    items = ctx.table("meal_plan_items")
    row = items.insert(
        {
            "meal_plan_item_id": next_int_id(items, "meal_plan_item_id", 500001),
            "username": username,
            "date": day.isoformat(),
            "slot": slot,
            "recipe_id": recipe_id,
            "servings": servings,
            "added_to_shopping_list": False,
        }
    )
    return _meal_out(ctx, row)


@environment.tool(effect="write")
def remove_from_meal_plan(ctx: Context, username: str, meal_plan_item_id: int) -> RemovedMeal:
    """Remove a planned meal from today or a later day.

    Args:
        username: The user's username.
        meal_plan_item_id: The meal plan entry to remove.
    """
    _user(ctx, username)
    row = ctx.table("meal_plan_items").require(meal_plan_item_id, what="meal plan item")
    if row["username"] != username:
        raise ToolError(f"meal plan item {meal_plan_item_id} is not in {username}'s meal plan")
    if parse_day(row["date"], "date") < ctx.today:
        raise ToolError(f"meal plan item {meal_plan_item_id} is on {row['date']}, a past day; past days cannot change")
    removed = _meal_out(ctx, row)
    ctx.table("meal_plan_items").delete(meal_plan_item_id)
    note = (
        "its ingredients stay on the shopping list; remove them there if no longer needed"
        if row["added_to_shopping_list"]
        else "its ingredients were not on the shopping list"
    )
    return {"removed": removed, "note": note}


@environment.tool(effect="write")
def generate_shopping_list(
    ctx: Context,
    username: str,
    start_date: Annotated[str, Arg(format="date")],
    end_date: Annotated[str, Arg(format="date")],
) -> GeneratedList:
    """Add the ingredients of the meals planned between two dates to the user's shopping list.

    Args:
        username: The user's username.
        start_date: First day of the plan to shop for, YYYY-MM-DD.
        end_date: Last day of the plan to shop for, YYYY-MM-DD (at most 14 days after start_date).
    """
    user = _user(ctx, username)
    start, end = _plan_window(start_date, end_date, MAX_LIST_SPAN_DAYS, "a shopping list")
    in_range = [
        row
        for row in ctx.table("meal_plan_items").find(username=username)
        if start.isoformat() <= row["date"] <= end.isoformat()
    ]
    if not in_range:
        raise ToolError(f"{username} has no meals planned from {start} to {end}; plan meals first")
    pending = [row for row in in_range if not row["added_to_shopping_list"]]
    if not pending:
        raise ToolError(
            f"all {len(in_range)} meals planned from {start} to {end} are already on the shopping list; nothing to add"
        )
    pending.sort(key=lambda row: (row["date"], SLOTS.index(row["slot"])))
    for meal in pending:
        recipe = _recipe(ctx, meal["recipe_id"])
        factor = meal["servings"] / recipe["servings"]
        for item in recipe["ingredients"]:
            quantity = _scaled(item["quantity"], item["unit"], factor)
            _add_to_list(ctx, username, item["product"], quantity, item["unit"], item["aisle"])
        ctx.table("meal_plan_items").update(meal["meal_plan_item_id"], {"added_to_shopping_list": True})
    items = _list_items(ctx, username)
    return {
        "username": username,
        "email": user["email"],
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "meals_added": len(pending),
        "items": items,
        "count": len(items),
    }


@environment.tool(effect="read")
def get_shopping_list(ctx: Context, username: str) -> ShoppingList:
    """Get a user's shopping list: products, quantities and aisles.

    Args:
        username: The user's username.
    """
    user = _user(ctx, username)
    items = _list_items(ctx, username)
    return {"username": username, "email": user["email"], "items": items, "count": len(items)}


@environment.tool(effect="write")
def add_to_shopping_list(
    ctx: Context,
    username: str,
    product: Annotated[str, Arg(min_length=1, max_length=100)],
    quantity: Annotated[float, Arg(minimum=0.01, maximum=10000)],
    unit: Annotated[str, Arg(min_length=1, max_length=20)],
    aisle: str | None = None,
) -> ShoppingList:
    """Add a product to a user's shopping list (merged with an unchecked entry of the same product and unit).

    Args:
        username: The user's username.
        product: What to buy, e.g. "oat milk".
        quantity: How much, in ``unit``.
        unit: Unit of the quantity, e.g. "g", "ml", "piece", "pack".
        aisle: Supermarket aisle (default: the product's usual aisle, or "Other").
    """
    user = _user(ctx, username)
    name = product.strip().lower()
    if not name or not unit.strip():
        raise ToolError("product and unit must not be blank; e.g. product 'oat milk', unit 'ml'")
    known = INGREDIENTS.get(name)
    _add_to_list(ctx, username, name, quantity, unit.strip(), aisle or (known[0] if known else "Other"))
    items = _list_items(ctx, username)
    return {"username": username, "email": user["email"], "items": items, "count": len(items)}


@environment.tool(effect="write")
def remove_from_shopping_list(ctx: Context, username: str, shopping_item_id: int) -> RemovedItem:
    """Remove an entry from a user's shopping list.

    Args:
        username: The user's username.
        shopping_item_id: The entry to remove.
    """
    _user(ctx, username)
    row = ctx.table("shopping_list_items").require(shopping_item_id, what="shopping list item")
    if row["username"] != username:
        raise ToolError(f"shopping list item {shopping_item_id} is not on {username}'s list")
    ctx.table("shopping_list_items").delete(shopping_item_id)
    return {
        "removed": cast(ShoppingItem, {key: row[key] for key in ShoppingItem.__annotations__}),
        "count": ctx.table("shopping_list_items").count(username=username),
    }


# --- seed ------------------------------------------------------------------------------------------------------


def _seed_recipes(ctx: SeedContext) -> list[dict[str, Any]]:
    rng = ctx.rng
    count = min(len(RECIPES), max(12, ctx.size * 2))
    ids = rng.sample(range(632000, 1099000), count)
    rows = []
    for recipe_id, (title, cuisine, dish_type, minutes, servings, calories, ingredients) in zip(
        ids, rng.sample(RECIPES, count), strict=True
    ):
        diets, allergens = _labels(ingredients)
        lines = [
            {
                "product": name,
                "quantity": float(amount),
                "unit": INGREDIENTS[name][1],
                "aisle": INGREDIENTS[name][0],
            }
            for name, amount in ingredients
        ]
        rows.append(
            {
                "recipe_id": recipe_id,
                "title": title,
                "cuisine": cuisine,
                "dish_type": dish_type,
                "ready_in_minutes": minutes + rng.choice((-5, 0, 0, 5, 10)) if minutes > 10 else minutes,
                "servings": servings,
                "calories_per_serving": calories + rng.randint(-25, 25),
                "price_per_serving": round(rng.uniform(1.2, 5.5), 2),
                "likes": rng.randint(3, 4800),
                "health_score": rng.randint(8, 100),
                "diets": diets,
                "allergens": allergens,
                "ingredients": lines,
                "source_url": f"https://recipes.example.com/{fake.slug(title)}-{recipe_id}",
            }
        )
    return rows


@environment.seed
def seed(ctx: SeedContext) -> dict[str, Any]:
    rng = ctx.rng
    recipes = _seed_recipes(ctx)
    people = fake.people(ctx.shared("people"), ctx.size)[: max(3, ctx.size // 2)]
    users = []
    names: set[str] = set()
    for person in people:
        username = person.email.split("@")[0].replace(".", "_")
        while username in names:
            username += str(rng.randint(0, 9))
        names.add(username)
        diet = fake.choose_weighted(rng, {"none": 5, "vegetarian": 2, "vegan": 1, "pescetarian": 1, "gluten free": 1})
        intolerances = rng.sample(INTOLERANCES, rng.choice((0, 0, 1, 2)))
        users.append(
            {
                "username": username,
                "email": person.email,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "diet": None if diet == "none" else diet,
                "intolerances": sorted(intolerances),
            }
        )
    meals: list[dict[str, Any]] = []
    shopping: list[dict[str, Any]] = []
    meal_id = 480000 + rng.randint(0, 9000)
    item_id = 1000 + rng.randint(0, 500)
    for user in users:
        fitting = [recipe for recipe in recipes if _conflict(user, recipe) is None]
        if not fitting:
            continue
        taken: set[tuple[str, str]] = set()
        for _ in range(rng.randint(3, 8)):
            day = ctx.now.date() + timedelta(days=rng.randint(-4, 9))
            recipe = rng.choice(fitting)
            slot = "breakfast" if recipe["dish_type"] == "breakfast" else rng.choice(("lunch", "dinner"))
            if (day.isoformat(), slot) in taken:
                continue
            taken.add((day.isoformat(), slot))
            meal_id += rng.randint(1, 40)
            meals.append(
                {
                    "meal_plan_item_id": meal_id,
                    "username": user["username"],
                    "date": day.isoformat(),
                    "slot": slot,
                    "recipe_id": recipe["recipe_id"],
                    "servings": rng.choice((1, 2, 2, 2, 4, 4, 6)),
                    "added_to_shopping_list": day < ctx.now.date(),
                }
            )
        for product, quantity, unit, aisle in rng.sample(PANTRY_EXTRAS, rng.randint(0, 3)):
            item_id += rng.randint(1, 30)
            shopping.append(
                {
                    "shopping_item_id": item_id,
                    "username": user["username"],
                    "product": product,
                    "quantity": quantity,
                    "unit": unit,
                    "aisle": aisle,
                    "checked": rng.random() < 0.3,
                }
            )
    return {"recipes": recipes, "users": users, "meal_plan_items": meals, "shopping_list_items": shopping}
