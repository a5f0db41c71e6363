#!/usr/bin/env bash
# A throwaway mail server for the mail tests: postfix (SMTP on 127.0.0.1:2525) delivers mail for the test domain
# into Maildirs that dovecot serves over IMAP (127.0.0.1:1143, plaintext). Everything lives under DIR; nothing
# of the system's own mail setup is used or started.
#
#   tools/test/mail-server.sh start DIR   install postfix + dovecot-imapd when missing, start both, print env lines
#   tools/test/mail-server.sh stop DIR    stop both (by the PIDs they wrote under DIR)
#
# Users (password "password"): kefu@kefu.test (the support mailbox) and customer@kefu.test (customers; any
# customer+TAG@kefu.test lands there too, so each test can use its own address).
# On success `start` prints KEFU_TEST_IMAP=… and KEFU_TEST_SMTP=… lines on stdout for the caller to export.
set -uo pipefail

SMTP_PORT=${KEFU_MAIL_SMTP_PORT:-2525}
IMAP_PORT=${KEFU_MAIL_IMAP_PORT:-1143}
DOMAIN=kefu.test
PASSWORD=password
USERS=(kefu customer)
# Dovecot and postfix's virtual delivery agent both act as this uid/gid (nobody/nogroup on Debian).
MAIL_UID=65534
MAIL_GID=65534

say()  { printf '%s\n' "$*" >&2; }
fail() { say "mail-server: $*"; exit 1; }

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install_packages() {
    local missing=()
    is_installed postfix       || missing+=(postfix)
    is_installed dovecot-imapd || missing+=(dovecot-imapd)
    ((${#missing[@]})) || return 0
    [[ $EUID -eq 0 ]] || fail "postfix/dovecot-imapd missing and not root"
    say "mail-server: installing ${missing[*]}"
    # Without the preseed, postfix's postinst asks which kind of mail setup this is.
    printf '%s\n' 'postfix postfix/main_mailer_type select Local only' 'postfix postfix/mailname string localhost' \
        | debconf-set-selections
    local try
    for try in 1 2; do
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${missing[@]}" </dev/null >&2 && return 0
        # The package lists may be missing or stale on a fresh machine.
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update </dev/null >&2
    done
    fail "apt-get install ${missing[*]} failed"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
    local i
    for ((i = 0; i < 100; i++)); do
        port_open "$1" && return 0
        sleep 0.1
    done
    return 1
}

write_config() {
    local dir=$1 user
    mkdir -p "$dir/postfix" "$dir/queue" "$dir/data" "$dir/mail" "$dir/dovecot/run" "$dir/dovecot/state"
    : >"$dir/vmailbox"
    : >"$dir/passwd"
    for user in "${USERS[@]}"; do
        # A trailing slash makes postfix's virtual(8) write a Maildir; dovecot reads it as ~/Maildir.
        printf '%s@%s %s/%s/Maildir/\n' "$user" "$DOMAIN" "$DOMAIN" "$user" >>"$dir/vmailbox"
        printf '%s@%s:{PLAIN}%s:%s:%s::%s/mail/%s/%s\n' "$user" "$DOMAIN" "$PASSWORD" "$MAIL_UID" "$MAIL_GID" "$dir" "$DOMAIN" "$user" >>"$dir/passwd"
        mkdir -p "$dir/mail/$DOMAIN/$user/Maildir/"{cur,new,tmp}
    done
    chown -R "$MAIL_UID:$MAIL_GID" "$dir/mail"
    chown postfix: "$dir/data"
    # Dovecot drops to MAIL_UID to read the Maildirs: every folder above them must be traversable.
    chmod 755 "$dir"

    cat >"$dir/postfix/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
meta_directory = /etc/postfix
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.$DOMAIN
mydomain = $DOMAIN
myorigin = $DOMAIN
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_banner = \$myhostname ESMTP kefu-test
# Log to a file under DIR: there is no syslog socket here.
maillog_file_prefixes = $dir
maillog_file = $dir/postfix.log
alias_maps =
alias_database =
local_recipient_maps =
recipient_delimiter = +
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = texthash:$dir/vmailbox
virtual_uid_maps = static:$MAIL_UID
virtual_gid_maps = static:$MAIL_GID
virtual_mailbox_limit = 0
message_size_limit = 52428800
# Mail for any other domain is refused at once rather than queued for a relay that does not exist.
default_transport = error:no outbound mail from the test server
EOF

    # Only what delivery needs; chroot off because nothing was copied into the queue folder.
    cat >"$dir/postfix/master.cf" <<EOF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

    cat >"$dir/dovecot/dovecot.conf" <<EOF
base_dir = $dir/dovecot/run
state_dir = $dir/dovecot/state
instance_name = kefu-test-dovecot
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = $dir/dovecot.log
mail_location = maildir:~/Maildir
mail_uid = $MAIL_UID
mail_gid = $MAIL_GID
first_valid_uid = $MAIL_UID
last_valid_uid = $MAIL_UID
first_valid_gid = 0
default_internal_user = dovenull
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $dir/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
EOF
}

start() {
    local dir=$1
    [[ -n $dir ]] || fail "usage: $0 start DIR"
    install_packages
    command -v dovecot >/dev/null && [[ -x /usr/sbin/postfix ]] || fail "postfix or dovecot not installed"
    port_open "$SMTP_PORT" && fail "port $SMTP_PORT is already in use (another mail server?)"
    port_open "$IMAP_PORT" && fail "port $IMAP_PORT is already in use (another mail server?)"
    id dovenull >/dev/null 2>&1 || fail "user dovenull missing (the dovecot-core package creates it)"

    mkdir -p "$dir" || fail "cannot create $dir"
    dir=$(cd "$dir" && pwd)
    write_config "$dir"

    if ! /usr/sbin/postfix -c "$dir/postfix" start >"$dir/postfix-start.log" 2>&1; then
        cat "$dir/postfix-start.log" "$dir/postfix.log" >&2 2>/dev/null
        fail "postfix did not start"
    fi
    if ! dovecot -c "$dir/dovecot/dovecot.conf" >"$dir/dovecot-start.log" 2>&1; then
        cat "$dir/dovecot-start.log" "$dir/dovecot.log" >&2 2>/dev/null
        stop "$dir"
        fail "dovecot did not start"
    fi
    if ! wait_port "$SMTP_PORT" || ! wait_port "$IMAP_PORT"; then
        cat "$dir/postfix.log" "$dir/dovecot.log" >&2 2>/dev/null
        stop "$dir"
        fail "ports $SMTP_PORT/$IMAP_PORT not listening after 10 s"
    fi

    printf 'KEFU_TEST_SMTP=127.0.0.1:%s\n' "$SMTP_PORT"
    printf 'KEFU_TEST_IMAP=127.0.0.1:%s\n' "$IMAP_PORT"
    printf 'KEFU_TEST_MAIL_SUPPORT=kefu@%s\n' "$DOMAIN"
    printf 'KEFU_TEST_MAIL_CUSTOMER=customer@%s\n' "$DOMAIN"
    printf 'KEFU_TEST_MAIL_PASSWORD=%s\n' "$PASSWORD"
}

# Waits up to 5 s for PID to exit, then kills it.
reap() {
    local pid=$1 i
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
}

# Stops only the two servers whose config lives under DIR: each is asked by its own command, then its recorded
# master PID is waited for (and killed if it lingers).
stop() {
    local dir=$1 postfix_pid dovecot_pid
    [[ -n $dir && -d $dir ]] || return 0
    postfix_pid=$(tr -d ' ' 2>/dev/null <"$dir/queue/pid/master.pid")
    dovecot_pid=$(cat 2>/dev/null "$dir/dovecot/run/master.pid")
    [[ -f $dir/postfix/main.cf ]] && /usr/sbin/postfix -c "$dir/postfix" stop >/dev/null 2>&1
    [[ -f $dir/dovecot/dovecot.conf ]] && dovecot -c "$dir/dovecot/dovecot.conf" stop >/dev/null 2>&1
    reap "$postfix_pid"
    reap "$dovecot_pid"
    return 0
}

case "${1:-}" in
    start) start "${2:-}" ;;
    stop)  stop "${2:-}" ;;
    *)     say "usage: $0 start|stop DIR"; exit 2 ;;
esac
