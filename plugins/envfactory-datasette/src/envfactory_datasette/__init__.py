"""Browse an envfactory run: datasette pages for tasks, trajectories and environments, and a report.

``envfactory browse RUN`` serves the run store with this plugin loaded; ``envfactory report RUN
--html FILE`` writes the run's summary and a sample of its tasks as one self-contained page.
"""
