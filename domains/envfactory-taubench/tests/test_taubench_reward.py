"""The reward taubench/state_hash on world states."""

from __future__ import annotations

from envfactory_taubench.rewards import StateHashReward

from envfactory_core.models import GoldCall, ToolCall
from envfactory_core.rewards import RewardInput


def reward_input(gold, final):
    call = ToolCall(environment="airline", tool="cancel_reservation", arguments={"reservation_id": "ABC123"})
    return RewardInput(
        gold_calls=(GoldCall(call=call, effect="write"),),
        calls=(call,),
        gold_state=None if gold is None else {"airline": gold},
        final_state=None if final is None else {"airline": final},
    )


def test_same_state_scores_one_and_a_different_state_zero(episode):
    initial = episode.state()
    episode.call("cancel_reservation", {"reservation_id": "ABC123"})
    cancelled = episode.state()
    reward = StateHashReward()
    good = reward.score(reward_input(cancelled, cancelled))
    assert good.score == 1.0
    assert good.components == {"state_hash": 1.0, "canonical_state": 1.0}
    bad = reward.score(reward_input(cancelled, initial))
    assert bad.score == 0.0
    assert "differs" in bad.explanation


def test_missing_states_score_zero_and_say_why():
    result = StateHashReward().score(reward_input(None, {"flights": {}}))
    assert result.score == 0.0
    assert "gold_state" in result.explanation


def test_a_state_that_is_not_an_airline_state_scores_zero():
    result = StateHashReward().score(reward_input({"flights": {"X": "not a row"}}, {"flights": {}}))
    assert result.score == 0.0
    assert "not an airline state" in result.explanation
