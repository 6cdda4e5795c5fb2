"""The lab's questions, one module per section (see ecslab.notebook.quiz).

Each module defines `QUESTIONS: tuple[Question, ...]`; ids start with the section
("9.3/...", "further/...") and are unique across modules.
"""
