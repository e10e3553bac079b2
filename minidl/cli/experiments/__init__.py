"""``minidl experiments``: the original report's study, rerun with honest statistics, as a Markdown report.

from minidl.cli import experiments
settings = experiments.Settings.quick()
groups = experiments.study(settings)
summaries = experiments.run_study(groups, settings, jobs=2)
"""

from minidl.cli.experiments.figures import MissingExtra
from minidl.cli.experiments.report import report_files, write_figures, write_report
from minidl.cli.experiments.runner import Summary, Trial, run_study, spec_key
from minidl.cli.experiments.study import Config, Group, Settings, study

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
