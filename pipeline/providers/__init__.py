"""Tailoring providers: who does the work behind the pipeline's steps.

``local`` (default) is the deterministic engine of ``tailor.pipeline.tailoring`` run
in-process: the pipeline's own steps, unchanged. ``simulated`` runs the same steps
and adds each stage's latency from a profile (``simulated_steps``), standing in for
a remote AI service when planning capacity or benchmarking the scheduler;
``openai`` asks any OpenAI-compatible chat server for the job analysis and the
rewrite and checks both against the sources (``OpenAIProvider.steps``).

A provider is given the pipeline's steps and returns its own: it knows nothing of
how the pipeline is wired (``tailor.pipeline.app.graphs`` does that).
"""
