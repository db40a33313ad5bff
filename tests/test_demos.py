"""autograder.demos: ipywidgets' interact for students, one drawing without widgets headless."""

from __future__ import annotations

import ipywidgets

from autograder import demos
from autograder.build.execute import QUIET_ENV


def test_headless_draws_once_with_the_sliders_values_and_makes_no_widget(monkeypatch):
    monkeypatch.setenv(demos.HEADLESS_ENV, "1")
    calls = []
    made = []
    monkeypatch.setattr(ipywidgets.Widget, "open", lambda self: made.append(self), raising=False)
    slider = ipywidgets.FloatSlider(value=0.5, min=0.0, max=1.0)
    made.clear()  # the slider itself is the notebook's; interact must add nothing
    result = demos.interact(lambda w, b: calls.append((w, b)), w=slider, b=2)
    assert result is None and calls == [(0.5, 2)] and made == []


def test_with_a_frontend_it_is_ipywidgets_interact(monkeypatch):
    monkeypatch.delenv(demos.HEADLESS_ENV, raising=False)
    calls = []
    shown = demos.interact(lambda w: calls.append(w), w=ipywidgets.FloatSlider(value=0.25))
    assert calls == [0.25]  # interact draws once with the initial value too
    assert isinstance(shown.widget, ipywidgets.interactive)


def test_every_kernel_the_course_tools_start_is_headless():
    assert QUIET_ENV[demos.HEADLESS_ENV] == "1"
