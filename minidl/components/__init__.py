"""Components: the modules, losses, initializers, optimizers, schedulers and datasets minidl ships.

Each is an ordinary class whose constructor declares its configuration (see ``minidl.core.config``);
none of them knows about the registry or files.
"""
