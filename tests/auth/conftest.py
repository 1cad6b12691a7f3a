"""A real OpenLDAP directory (Debian's slapd) for the sign-in tests.

`ldap_directory` (session scope) builds a cn=config directory with slapadd in a temp dir, loads
the bank's people into an mdb database and runs slapd on free 127.0.0.1 ports (plain LDAP, and
LDAPS + StartTLS when the openssl CLI can make a throwaway CA). Tests can take it down and bring
it back with `stop()` / `start()` or `with ldap_directory.stopped(): ...`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ldap3 import NONE, SIMPLE, Connection, Server
from ldap3.core.exceptions import LDAPException

SUFFIX = "dc=bank,dc=kz"
PEOPLE_DN = f"ou=people,{SUFFIX}"
CONTRACTORS_DN = f"ou=contractors,{SUFFIX}"
SERVICE_DN = f"cn=dq-service,{SUFFIX}"
SERVICE_PASSWORD = "dq-service-secret"
STARTUP_TIMEOUT_SECONDS = 10.0

INSTALL_HINT = "install slapd and ldap-utils (apt-get install -y slapd ldap-utils)"


@dataclass(frozen=True)
class DirectoryPerson:
    uid: str
    password: str
    cn: str
    sn: str
    mail: str | None = None
    display_name: str | None = None
    ou_dn: str = PEOPLE_DN

    @property
    def dn(self) -> str:
        return f"uid={self.uid},{self.ou_dn}"


# dave is in the directory but will not be in the app's users table; "twin" exists twice under
# the suffix (people and contractors) so a search from the suffix is ambiguous.
PEOPLE: tuple[DirectoryPerson, ...] = (
    DirectoryPerson("alice", "alice-pass", "Alice Analyst", "Analyst", "alice@bank.kz"),
    DirectoryPerson("bob", "bob-pass", "Bob Banker", "Banker", None, "Bob B."),
    DirectoryPerson("carol", "carol-pass", "Carol Clerk", "Clerk", "carol@bank.kz"),
    DirectoryPerson("dave", "dave-pass", "Dave Outsider", "Outsider", "dave@bank.kz"),
    DirectoryPerson("twin", "twin-pass", "Twin One", "One"),
    DirectoryPerson("twin", "twin-pass-2", "Twin Two", "Two", ou_dn=CONTRACTORS_DN),
)


def _find_program(name: str) -> str:
    # Debian puts the daemon and its tools in /usr/sbin, which a non-root PATH may lack.
    search_path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    found = shutil.which(name, path=search_path)
    if found is None:
        raise RuntimeError(f"{name} not found: {INSTALL_HINT}")
    return found


def _find_module_dir() -> Path | None:
    """Where back_mdb lives (Debian: /usr/lib/ldap); None when it is built into slapd."""
    candidates = [Path("/usr/lib/ldap"), Path("/usr/lib64/openldap"), Path("/usr/lib/openldap")]
    candidates += sorted(Path("/usr/lib").glob("*/openldap"))
    candidates += [Path("/usr/libexec/openldap"), Path("/usr/local/libexec/openldap")]
    for directory in candidates:
        if any((directory / f"back_mdb{suffix}").exists() for suffix in (".so", ".la")):
            return directory
    return None


def _find_schema_dir() -> Path:
    candidates = [
        Path("/etc/ldap/schema"),
        Path("/etc/openldap/schema"),
        Path("/usr/local/etc/openldap/schema"),
    ]
    for directory in candidates:
        if (directory / "inetorgperson.ldif").exists():
            return directory
    raise RuntimeError(f"OpenLDAP schema LDIFs not found: {INSTALL_HINT}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ssha(password: str) -> str:
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"{what} failed ({result.returncode}): {' '.join(command)}\n"
            f"{result.stdout}\n{result.stderr}"
        )


@dataclass(frozen=True)
class TlsFiles:
    ca_file: Path
    cert_file: Path
    key_file: Path


def _make_tls_files(directory: Path) -> TlsFiles | None:
    """A throwaway CA and a server certificate for 127.0.0.1; None without the openssl CLI."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    directory.mkdir()
    ca_key, ca_file = directory / "ca.key", directory / "ca.pem"
    key_file, csr, cert_file = (
        directory / "server.key",
        directory / "server.csr",
        directory / "server.pem",
    )
    extensions = directory / "server.ext"
    extensions.write_text(
        "basicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
    )
    _run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(ca_key), "-out", str(ca_file), "-subj", "/CN=DataQuery Test CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        "openssl CA",
    )  # fmt: skip
    _run(
        [openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key_file),
         "-out", str(csr), "-subj", "/CN=127.0.0.1"],
        "openssl server key",
    )  # fmt: skip
    _run(
        [openssl, "x509", "-req", "-in", str(csr), "-CA", str(ca_file), "-CAkey", str(ca_key),
         "-CAcreateserial", "-days", "2", "-out", str(cert_file), "-extfile", str(extensions)],
        "openssl server certificate",
    )  # fmt: skip
    return TlsFiles(ca_file=ca_file, cert_file=cert_file, key_file=key_file)


def _config_ldif(
    root: Path, schema_dir: Path, module_dir: Path | None, tls: TlsFiles | None
) -> str:
    global_entry = [
        "dn: cn=config",
        "objectClass: olcGlobal",
        "cn: config",
        f"olcPidFile: {root / 'slapd.pid'}",
        f"olcArgsFile: {root / 'slapd.args'}",
    ]
    if tls is not None:
        global_entry += [
            f"olcTLSCACertificateFile: {tls.ca_file}",
            f"olcTLSCertificateFile: {tls.cert_file}",
            f"olcTLSCertificateKeyFile: {tls.key_file}",
        ]
    parts = ["\n".join(global_entry)]
    if module_dir is not None:
        parts.append(
            "dn: cn=module{0},cn=config\n"
            "objectClass: olcModuleList\n"
            "cn: module{0}\n"
            f"olcModulePath: {module_dir}\n"
            "olcModuleLoad: back_mdb"
        )
    parts.append("dn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: schema")
    for name in ("core", "cosine", "inetorgperson"):
        parts.append((schema_dir / f"{name}.ldif").read_text().strip())
    parts.append(
        "dn: olcDatabase={-1}frontend,cn=config\n"
        "objectClass: olcDatabaseConfig\n"
        "objectClass: olcFrontendConfig\n"
        "olcDatabase: {-1}frontend"
    )
    parts.append(
        "dn: olcDatabase={0}config,cn=config\n"
        "objectClass: olcDatabaseConfig\n"
        "olcDatabase: {0}config\n"
        "olcAccess: {0}to * by * none"
    )
    # Anonymous may only bind; the service account reads everything except passwords; a person
    # reads their own entry. So a search really needs the service account.
    parts.append(
        "dn: olcDatabase={1}mdb,cn=config\n"
        "objectClass: olcDatabaseConfig\n"
        "objectClass: olcMdbConfig\n"
        "olcDatabase: {1}mdb\n"
        f"olcSuffix: {SUFFIX}\n"
        f"olcDbDirectory: {root / 'data'}\n"
        "olcDbMaxSize: 16777216\n"
        "olcDbIndex: objectClass eq\n"
        "olcDbIndex: uid eq\n"
        "olcAccess: {0}to attrs=userPassword by anonymous auth by * none\n"
        f'olcAccess: {{1}}to * by dn.exact="{SERVICE_DN}" read by self read by * none'
    )
    return "\n\n".join(parts) + "\n"


def _data_ldif() -> str:
    entries = [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: bank\no: Bank",
        f"dn: {PEOPLE_DN}\nobjectClass: organizationalUnit\nou: people",
        f"dn: {CONTRACTORS_DN}\nobjectClass: organizationalUnit\nou: contractors",
        f"dn: {SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
        f"cn: dq-service\nuserPassword: {_ssha(SERVICE_PASSWORD)}",
    ]
    for person in PEOPLE:
        lines = [
            f"dn: {person.dn}",
            "objectClass: inetOrgPerson",
            f"uid: {person.uid}",
            f"cn: {person.cn}",
            f"sn: {person.sn}",
            f"userPassword: {_ssha(person.password)}",
        ]
        if person.mail:
            lines.append(f"mail: {person.mail}")
        if person.display_name:
            lines.append(f"displayName: {person.display_name}")
        entries.append("\n".join(lines))
    return "\n\n".join(entries) + "\n"


@dataclass
class LdapDirectory:
    """A running slapd. `url` is plain LDAP; `ldaps_url`/`ca_file` are None without TLS."""

    root: Path
    slapd: str
    port: int
    ldaps_port: int | None
    ca_file: Path | None
    bind_dn: str = SERVICE_DN
    bind_password: str = SERVICE_PASSWORD
    base_dn: str = SUFFIX
    user_base_dn: str = PEOPLE_DN
    people: tuple[DirectoryPerson, ...] = PEOPLE
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str | None:
        return None if self.ldaps_port is None else f"ldaps://127.0.0.1:{self.ldaps_port}"

    @property
    def user_dn_template(self) -> str:
        return f"uid={{username}},{self.user_base_dn}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        if self.running:
            return
        listeners = [f"ldap://127.0.0.1:{self.port}/"]
        if self.ldaps_port is not None:
            listeners.append(f"ldaps://127.0.0.1:{self.ldaps_port}/")
        log_path = self.root / "slapd.log"
        with log_path.open("ab") as log:
            # -d 0: stay in the foreground (so we own the process) without debug output.
            self._process = subprocess.Popen(
                [self.slapd, "-d", "0", "-h", " ".join(listeners), "-F", str(self.root / "config")],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_answering(log_path)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STARTUP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STARTUP_TIMEOUT_SECONDS)

    @contextmanager
    def stopped(self) -> Iterator[None]:
        """The directory is down inside the block and up again after it, even on failure."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    def _wait_until_answering(self, log_path: Path) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        last_error = "no attempt"
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                code = None if self._process is None else self._process.returncode
                output = log_path.read_text(errors="replace")
                raise RuntimeError(f"slapd exited with {code} while starting:\n{output}")
            try:
                server = Server(self.url, connect_timeout=1, get_info=NONE)
                connection = Connection(
                    server, self.bind_dn, self.bind_password, authentication=SIMPLE
                )
                if connection.bind():
                    connection.unbind()
                    return
                last_error = str(connection.result)
            except LDAPException as error:
                last_error = repr(error)
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(
            f"slapd did not answer within {STARTUP_TIMEOUT_SECONDS} s ({last_error}):\n"
            f"{log_path.read_text(errors='replace')}"
        )


def build_directory(root: Path) -> LdapDirectory:
    slapd = _find_program("slapd")
    slapadd = _find_program("slapadd")
    config_dir, data_dir = root / "config", root / "data"
    config_dir.mkdir()
    data_dir.mkdir()
    tls = _make_tls_files(root / "tls")
    config_ldif, data_ldif = root / "config.ldif", root / "data.ldif"
    config_ldif.write_text(_config_ldif(root, _find_schema_dir(), _find_module_dir(), tls))
    data_ldif.write_text(_data_ldif())
    _run([slapadd, "-n", "0", "-F", str(config_dir), "-l", str(config_ldif)], "slapadd config")
    _run([slapadd, "-b", SUFFIX, "-F", str(config_dir), "-l", str(data_ldif)], "slapadd data")
    port = _free_port()
    ldaps_port = None
    while tls is not None and ldaps_port in (None, port):
        ldaps_port = _free_port()
    return LdapDirectory(
        root=root,
        slapd=slapd,
        port=port,
        ldaps_port=ldaps_port,
        ca_file=None if tls is None else tls.ca_file,
    )


@pytest.fixture(scope="session")
def ldap_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LdapDirectory]:
    directory = build_directory(tmp_path_factory.mktemp("slapd"))
    directory.start()
    try:
        yield directory
    finally:
        directory.stop()
