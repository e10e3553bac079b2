"""``minidl experiments``: the original report's study, rerun with honest statistics, as a Markdown report.

from minidl.workflow import experiments
settings = experiments.Settings.quick()
groups = experiments.study(settings)
summaries = experiments.run_study(groups, settings, jobs=2)
"""

from minidl.workflow.experiments.figures import MissingExtra
from minidl.workflow.experiments.report import report_files, write_figures, write_report
from minidl.workflow.experiments.runner import Summary, Trial, run_study, spec_key
from minidl.workflow.experiments.study import Config, Group, Settings, study

__all__ = [
    "Config",
    "Group",
    "MissingExtra",
    "Settings",
    "Summary",
    "Trial",
    "report_files",
    "run_study",
    "spec_key",
    "study",
    "write_figures",
    "write_report",
]
