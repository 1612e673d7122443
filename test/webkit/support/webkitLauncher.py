"""A WebKitGTK browser for WebKitWebDriver with a persistent profile.

MiniBrowser's --automation mode always uses an ephemeral website data
manager, in which OPFS is unavailable (getDirectory() rejects with
UnknownError). This is the same browser minus that: one window per
automation request, website data and caches under --profile=DIR, and WebKit
features switched on or off with --features=+Name,-Name (identifiers as in
`MiniBrowser --features=help`). Console messages go to stdout, which the
test harness keeps for failure reports.

WebKitWebDriver starts it as
  /usr/bin/python3 webkitLauncher.py --profile=DIR [--features=...] --automation
`--version` prints the WebKitGTK version and exits (the harness's probe).
"""
import sys

import gi

gi.require_version('Gtk', '3.0')
gi.require_version('WebKit2', '4.1')
from gi.repository import Gtk, WebKit2  # noqa: E402

VERSION = (WebKit2.get_major_version(), WebKit2.get_minor_version(), WebKit2.get_micro_version())


def option(name, default=None):
    prefix = f'--{name}='
    return next((arg[len(prefix):] for arg in sys.argv[1:] if arg.startswith(prefix)), default)


def main():
    if '--version' in sys.argv:
        print('.'.join(map(str, VERSION)))
        return
    profile = option('profile')
    if not profile or '--automation' not in sys.argv:
        sys.exit('usage: webkitLauncher.py --profile=DIR [--features=+A,-B] --automation')

    Gtk.init([])
    manager = WebKit2.WebsiteDataManager(base_data_directory=f'{profile}/data', base_cache_directory=f'{profile}/cache')
    context = WebKit2.WebContext(website_data_manager=manager)
    context.set_automation_allowed(True)

    settings = WebKit2.Settings()
    settings.set_enable_write_console_messages_to_stdout(True)
    features = WebKit2.Settings.get_all_features()
    by_id = {features.get(i).get_identifier(): features.get(i) for i in range(features.get_length())}
    for item in filter(None, option('features', '').split(',')):
        if item[0] not in '+-' or item[1:] not in by_id:
            sys.exit(f'unknown feature switch {item!r} (see MiniBrowser --features=help)')
        settings.set_feature_enabled(by_id[item[1:]], item[0] == '+')

    def create_web_view(_session):
        view = WebKit2.WebView(web_context=context, settings=settings, is_controlled_by_automation=True)
        window = Gtk.Window()
        window.set_default_size(1024, 768)
        window.add(view)
        view.connect('close', lambda _view: window.destroy())
        window.show_all()
        return view

    def automation_started(_context, session):
        info = WebKit2.ApplicationInfo()
        info.set_name('webkitLauncher')
        info.set_version(*VERSION)
        session.set_application_info(info)
        session.connect('create-web-view', create_web_view)

    context.connect('automation-started', automation_started)
    Gtk.main()


main()
