#!/usr/bin/python3
"""The desktop services a tray and notifications talk to, on the test's own D-Bus session
bus, for the desktop end-to-end test (tests/desktop/e2e.test.mjs).

  desktop_bus.py serve LOG     owns org.kde.StatusNotifierWatcher (where a tray icon
                               registers, as under KDE, GNOME with AppIndicator, XFCE...)
                               and org.freedesktop.Notifications (what notify-send and
                               every notification library call), and appends one JSON
                               line to LOG per call: nothing is shown anywhere.
  desktop_bus.py tray SERVICE PATH
                               prints, as JSON, a registered tray icon's properties
                               (org.kde.StatusNotifierItem) and its menu's items
                               (com.canonical.dbusmenu), as a desktop's panel reads them.
  desktop_bus.py click SERVICE PATH LABEL
                               clicks the tray menu item with this label, as a panel does.
  desktop_bus.py screenshot FILE
                               saves the whole X screen as a PNG (native windows included,
                               which WebDriver's screenshots leave out).

Uses Debian's python3-gi (GLib's GDBus), not the Python a PATH may put first.
"""
import json
import sys
import time

import gi

from gi.repository import Gio, GLib

WATCHER_XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg name="service" type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg name="service" type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""

NOTIFICATIONS_XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg name="app_name" type="s" direction="in"/>
      <arg name="replaces_id" type="u" direction="in"/>
      <arg name="app_icon" type="s" direction="in"/>
      <arg name="summary" type="s" direction="in"/>
      <arg name="body" type="s" direction="in"/>
      <arg name="actions" type="as" direction="in"/>
      <arg name="hints" type="a{sv}" direction="in"/>
      <arg name="expire_timeout" type="i" direction="in"/>
      <arg name="id" type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg name="id" type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg name="caps" type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg name="name" type="s" direction="out"/>
      <arg name="vendor" type="s" direction="out"/>
      <arg name="version" type="s" direction="out"/>
      <arg name="spec_version" type="s" direction="out"/>
    </method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
</node>
"""


def serve(log_path):
    log = open(log_path, "a", buffering=1)
    items = []
    next_id = [0]

    def record(**entry):
        entry["at"] = time.time()
        log.write(json.dumps(entry) + "\n")

    def on_watcher_call(conn, sender, path, iface, method, params, invocation):
        args = params.unpack()
        if method == "RegisterStatusNotifierItem":
            service = args[0]
            # A path alone (libayatana-appindicator sends its object path) lives on the sender.
            bus_name, obj = (sender, service) if service.startswith("/") else (service, "/StatusNotifierItem")
            items.append(f"{bus_name}{obj}")
            record(call="RegisterStatusNotifierItem", service=bus_name, path=obj)
            conn.emit_signal(None, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher",
                             "StatusNotifierItemRegistered", GLib.Variant("(s)", (f"{bus_name}{obj}",)))
        else:
            record(call=method, args=list(args))
        invocation.return_value(None)

    def on_watcher_get(conn, sender, path, iface, prop):
        return {
            "RegisteredStatusNotifierItems": GLib.Variant("as", items),
            "IsStatusNotifierHostRegistered": GLib.Variant("b", True),
            "ProtocolVersion": GLib.Variant("i", 0),
        }[prop]

    def on_notifications_call(conn, sender, path, iface, method, params, invocation):
        args = params.unpack()
        if method == "Notify":
            next_id[0] += 1
            app_name, replaces, icon, summary, body, actions, hints, timeout = args
            record(call="Notify", app_name=app_name, summary=summary, body=body, icon=icon,
                   actions=list(actions), hints=sorted(hints.keys()), id=next_id[0])
            invocation.return_value(GLib.Variant("(u)", (next_id[0],)))
        elif method == "GetCapabilities":
            invocation.return_value(GLib.Variant("(as)", (["body", "actions"],)))
        elif method == "GetServerInformation":
            invocation.return_value(GLib.Variant("(ssss)", ("latchkey-e2e", "latchkey", "1", "1.2")))
        else:
            record(call=method, args=list(args))
            invocation.return_value(None)

    def on_bus(conn, name):
        watcher = Gio.DBusNodeInfo.new_for_xml(WATCHER_XML).interfaces[0]
        notifications = Gio.DBusNodeInfo.new_for_xml(NOTIFICATIONS_XML).interfaces[0]
        conn.register_object("/StatusNotifierWatcher", watcher, on_watcher_call, on_watcher_get, None)
        conn.register_object("/org/freedesktop/Notifications", notifications, on_notifications_call, None, None)

    owned = set()

    def on_name(conn, name):
        owned.add(name)
        if len(owned) == 2:
            record(call="ready")

    def on_lost(conn, name):
        record(call="lost", name=name)
        loop.quit()

    Gio.bus_own_name(Gio.BusType.SESSION, "org.kde.StatusNotifierWatcher", Gio.BusNameOwnerFlags.NONE,
                     on_bus, on_name, on_lost)
    Gio.bus_own_name(Gio.BusType.SESSION, "org.freedesktop.Notifications", Gio.BusNameOwnerFlags.NONE,
                     None, on_name, on_lost)
    loop = GLib.MainLoop()
    loop.run()


def call(bus, service, path, iface, method, args, reply):
    return bus.call_sync(service, path, iface, method, args, GLib.VariantType(reply) if reply else None,
                         Gio.DBusCallFlags.NONE, 5000, None).unpack()


def menu_items(layout):
    """The labels and ids of a dbusmenu layout, depth first."""
    item_id, props, children = layout
    found = []
    if "label" in props:
        found.append({"id": item_id, "label": props["label"], "enabled": props.get("enabled", True),
                      "visible": props.get("visible", True)})
    for child in children:
        found.extend(menu_items(child))
    return found


def tray(service, path):
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    props = call(bus, service, path, "org.freedesktop.DBus.Properties", "GetAll",
                 GLib.Variant("(s)", ("org.kde.StatusNotifierItem",)), "(a{sv})")[0]
    shown = {k: v for k, v in props.items() if isinstance(v, (str, int, bool))}
    if "ToolTip" in props:
        shown["ToolTip"] = {"icon": props["ToolTip"][0], "title": props["ToolTip"][2], "text": props["ToolTip"][3]}
    items = []
    if props.get("Menu"):
        layout = call(bus, service, props["Menu"], "com.canonical.dbusmenu", "GetLayout",
                      GLib.Variant("(iias)", (0, -1, [])), "(u(ia{sv}av))")[1]
        items = menu_items(layout)
    return {"properties": shown, "menu": items}


def click(service, path, label):
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    menu = call(bus, service, path, "org.freedesktop.DBus.Properties", "Get",
                GLib.Variant("(ss)", ("org.kde.StatusNotifierItem", "Menu")), "(v)")[0]
    layout = call(bus, service, menu, "com.canonical.dbusmenu", "GetLayout",
                  GLib.Variant("(iias)", (0, -1, [])), "(u(ia{sv}av))")[1]
    matches = [i for i in menu_items(layout) if i["label"] == label]
    if len(matches) != 1:
        sys.exit(f"no single tray menu item labelled {label!r}: {menu_items(layout)}")
    # As a panel does: the submenu is about to show, then the item is clicked.
    call(bus, service, menu, "com.canonical.dbusmenu", "AboutToShow", GLib.Variant("(i)", (0,)), "(b)")
    call(bus, service, menu, "com.canonical.dbusmenu", "Event",
         GLib.Variant("(isvu)", (matches[0]["id"], "clicked", GLib.Variant("s", ""), int(time.time()))), None)


def screenshot(path):
    gi.require_version("Gdk", "3.0")
    from gi.repository import Gdk

    root = Gdk.get_default_root_window()
    shot = Gdk.pixbuf_get_from_window(root, 0, 0, root.get_width(), root.get_height())
    shot.savev(path, "png", [], [])


if __name__ == "__main__":
    verb, args = sys.argv[1], sys.argv[2:]
    if verb == "serve":
        serve(*args)
    elif verb == "tray":
        print(json.dumps(tray(*args)))
    elif verb == "click":
        click(*args)
    elif verb == "screenshot":
        screenshot(*args)
    else:
        sys.exit(f"unknown verb {verb}")
