-- bench/compare.sh --archive: prosody.cfg.lua with mod_mam on SQL storage.
run_as_root = true
daemonize = false
pidfile = "/tmp/anchors/prosody/prosody.pid"
data_path = "/tmp/anchors/prosody/data"
interfaces = { "127.0.0.1" }
c2s_ports = { 15222 }
s2s_ports = { 15269 }
c2s_direct_tls_ports = { }
http_ports = { }
https_ports = { }
network_backend = "epoll"
admins = { }
modules_enabled = { "roster"; "saslauth"; "disco"; "ping"; "register"; "posix"; "presence"; "message"; "iq"; "offline"; "mam" }
modules_disabled = { "limits"; "s2s" }
allow_registration = true
min_seconds_between_registrations = 0
registration_throttle_max = 100000
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"
-- The archive on SQL (LuaDBI's SQLite3 driver, Debian lua-dbi-sqlite3), the rest as in prosody.cfg.lua.
storage = { archive = "sql"; default = "internal" }
sql = { driver = "SQLite3", database = "prosody.sqlite" }
-- mod_mam as Parley's archive: every conversation archived unless the user says otherwise, kept a year.
default_archive_policy = true
archive_expires_after = "1y"
log = { warn = "/tmp/anchors/prosody/prosody.log" }
VirtualHost "bench.localhost"
