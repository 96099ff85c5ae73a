"""Scenarios for the recipes environment: diet rules, meal slots, shopping lists scaled to servings."""

from __future__ import annotations

import copy
from datetime import timedelta

from envfactory_lifestyle.recipes import environment

TODAY = environment.clock.date()
IN_THREE_DAYS = (TODAY + timedelta(days=3)).isoformat()


def _state_with_user(diet=None, intolerances=()):
    """Seed 0 with its first user set to a diet and an empty meal plan and shopping list."""
    state = copy.deepcopy(environment.initial_state(seed=0))
    username = sorted(state["users"])[0]
    state["users"][username].update({"diet": diet, "intolerances": list(intolerances)})
    state["meal_plan_items"] = {k: v for k, v in state["meal_plan_items"].items() if v["username"] != username}
    state["shopping_list_items"] = {k: v for k, v in state["shopping_list_items"].items() if v["username"] != username}
    return state, username


def _recipe(state, predicate):
    return next(row for row in sorted(state["recipes"].values(), key=lambda r: r["recipe_id"]) if predicate(row))


def test_shopping_list_scales_ingredients_to_planned_servings_and_is_not_doubled():
    state, username = _state_with_user()
    recipe = _recipe(state, lambda row: row["servings"] == 4 and all(i["unit"] == "g" for i in row["ingredients"][:1]))
    episode = environment.episode(state=state)
    planned = episode.call(
        "add_to_meal_plan",
        {
            "username": username,
            "date": IN_THREE_DAYS,
            "slot": "dinner",
            "recipe_id": recipe["recipe_id"],
            "servings": 2,
        },
    )
    assert planned.ok, planned.error
    generated = episode.call(
        "generate_shopping_list", {"username": username, "start_date": TODAY.isoformat(), "end_date": IN_THREE_DAYS}
    )
    assert generated.ok, generated.error
    assert generated.output["meals_added"] == 1
    first = recipe["ingredients"][0]
    line = next(item for item in generated.output["items"] if item["product"] == first["product"])
    assert line["quantity"] == round(first["quantity"] / 2, 2)
    assert line["unit"] == first["unit"]
    assert episode.table("meal_plan_items").get(planned.output["meal_plan_item_id"])["added_to_shopping_list"] is True

    before = episode.state_hash()
    again = episode.call(
        "generate_shopping_list", {"username": username, "start_date": TODAY.isoformat(), "end_date": IN_THREE_DAYS}
    )
    assert not again.ok
    assert "already on the shopping list" in again.error.message
    assert episode.state_hash() == before


def test_a_vegetarian_cannot_plan_a_recipe_with_meat():
    state, username = _state_with_user(diet="vegetarian")
    meaty = _recipe(state, lambda row: "vegetarian" not in row["diets"])
    episode = environment.episode(state=state)
    result = episode.call(
        "add_to_meal_plan",
        {"username": username, "date": IN_THREE_DAYS, "slot": "lunch", "recipe_id": meaty["recipe_id"]},
    )
    assert not result.ok
    assert "is not vegetarian" in result.error.message
    assert episode.diff().empty


def test_an_intolerance_names_the_offending_ingredient():
    state, username = _state_with_user(intolerances=("dairy",))
    cheesy = _recipe(state, lambda row: "dairy" in row["allergens"])
    episode = environment.episode(state=state)
    result = episode.call(
        "add_to_meal_plan",
        {"username": username, "date": IN_THREE_DAYS, "slot": "lunch", "recipe_id": cheesy["recipe_id"]},
    )
    assert not result.ok
    assert "contains dairy" in result.error.message
    dairy_items = [
        item["product"] for item in cheesy["ingredients"] if item["aisle"] in ("Cheese", "Milk, Eggs, Other Dairy")
    ]
    assert any(product in result.error.message for product in dairy_items)


def test_one_recipe_per_slot_and_past_days_are_history():
    state, username = _state_with_user()
    first, second = sorted(state["recipes"])[:2]
    episode = environment.episode(state=state)
    ok = episode.call(
        "add_to_meal_plan", {"username": username, "date": IN_THREE_DAYS, "slot": "dinner", "recipe_id": int(first)}
    )
    assert ok.ok, ok.error
    taken = episode.call(
        "add_to_meal_plan", {"username": username, "date": IN_THREE_DAYS, "slot": "dinner", "recipe_id": int(second)}
    )
    assert not taken.ok
    assert "remove it first" in taken.error.message
    past = episode.call(
        "add_to_meal_plan",
        {
            "username": username,
            "date": (TODAY - timedelta(days=1)).isoformat(),
            "slot": "dinner",
            "recipe_id": int(second),
        },
    )
    assert not past.ok
    assert "in the past" in past.error.message
    assert len(episode.diff().changes) == 1


def test_adding_a_product_twice_merges_quantities():
    state, username = _state_with_user()
    episode = environment.episode(state=state)
    episode.call("add_to_shopping_list", {"username": username, "product": "Oat milk", "quantity": 1, "unit": "l"})
    result = episode.call(
        "add_to_shopping_list", {"username": username, "product": "oat milk", "quantity": 2, "unit": "l"}
    )
    assert result.ok, result.error
    lines = [item for item in result.output["items"] if item["product"] == "oat milk"]
    assert len(lines) == 1
    assert lines[0]["quantity"] == 3.0
    assert lines[0]["aisle"] == "Other"
    removed = episode.call(
        "remove_from_shopping_list", {"username": username, "shopping_item_id": lines[0]["shopping_item_id"]}
    )
    assert removed.ok
    assert removed.output["count"] == 0
    assert episode.diff().empty


def test_diet_labels_follow_the_ingredients():
    state = environment.initial_state(seed=2)
    for recipe in state["recipes"].values():
        aisles = {item["aisle"] for item in recipe["ingredients"]}
        if aisles & {"Meat", "Seafood"}:
            assert "vegetarian" not in recipe["diets"]
            assert "vegan" not in recipe["diets"]
        if "vegan" in recipe["diets"]:
            assert "vegetarian" in recipe["diets"]
            assert "dairy" not in recipe["allergens"]
