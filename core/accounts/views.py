"""Pages: sign in/out, own account (password, language, tokens), home, users, roles, audit log."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash

from core import audit, audit_log, ratelimit, reminders
from core.accounts import bulk, places, services
from core.accounts.schemas import (
    LoginSchema,
    PasswordChangeSchema,
    UserCreateSchema,
    UserUpdateSchema,
)
from core.api import paginate
from core.auth import end_sign_in, start_sign_in
from core.clock import today
from core.config import SUPPORTED_LOCALES
from core.db import db, utcnow
from core.errors import DomainError
from core.exchange import XLSX_MIMETYPE, write_xlsx
from core.forms import FormResult, empty_form, load_form, refused, save
from core.models import ApiToken, Role, User
from core.permissions import (
    current_scope,
    may_grant,
    permission_required,
    registry,
    reset_scope,
    scoped,
)
from core.tree import node_ref
from core.workbench import work_items

bp = Blueprint("accounts", __name__, template_folder="templates")

# Checked against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = "scrypt:32768:8:1$0000000000000000$" + "0" * 128
PASSWORD_CHANGE_ALLOWED = {"accounts.password", "accounts.logout", "accounts.set_locale", "static"}


def safe_local_path(target: str | None) -> str | None:
    r"""``target`` if it is a path on this site, else None: never an open redirect. Browsers drop
    tabs and newlines from a URL and read a backslash as a slash, so ``/\t/host`` and ``/\host``
    are refused like ``//host``."""
    if not target or not target.startswith("/") or "\\" in target:
        return None
    if any(not c.isprintable() for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


def _safe_next(target: str | None) -> str:
    """Only same-site relative targets, never an open redirect."""
    return safe_local_path(target) or url_for("accounts.home")


@bp.before_app_request
def _force_password_change():
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in PASSWORD_CHANGE_ALLOWED
    ):
        if request.path.startswith("/api/"):
            abort(403)
        flash(_("Please choose a new password before you continue."), "warning")
        return redirect(url_for("accounts.password"))
    return None


@bp.route("/login", methods=["GET", "POST"])
@ratelimit.per_address
@ratelimit.per_account
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = empty_form()
    status = 200
    if request.method == "POST":
        form = load_form(LoginSchema())
        form.values.pop("password", None)
        if form.ok:
            username = form.data["username"]
            user = db.session.scalar(
                sa.select(User).where(sa.func.lower(User.username) == username.lower())
            )
            password_ok = (
                user.check_password(form.data["password"])
                if user
                else check_password_hash(_DUMMY_HASH, form.data["password"])
            )
            if user is not None and password_ok and user.active:
                start_sign_in(user, request.remote_addr)
                login_user(user, remember=form.data["remember"])
                user.last_login_at = utcnow()
                audit.record(
                    "user.login",
                    node=node_ref(db.session, id=user.home_node_id),
                    object_type="user",
                    object_id=user.id,
                    summary=_l("%(name)s signed in", name=user.username),
                    user=user,
                )
                db.session.commit()
                return redirect(_safe_next(request.args.get("next")))
            # Only someone who knows the password learns that the account is switched off.
            disabled = user is not None and password_ok
            current_app.logger.warning(
                "failed sign-in for %r from %s%s",
                username,
                request.remote_addr,
                " (account disabled)" if disabled else "",
            )
            audit.record(
                "user.login_failed",
                node=node_ref(db.session, id=user.home_node_id) if user else None,
                object_type="user",
                object_id=user.id if user else "",
                summary=(
                    _l("Sign-in to the disabled account %(name)s refused", name=username)
                    if disabled
                    else _l("Failed sign-in as %(name)s", name=username)
                ),
                details={
                    "address": request.remote_addr,
                    **({"disabled": True} if disabled else {}),
                },
                user=None,
            )
            db.session.commit()
            # Otherwise the same message whether the user exists or the password is wrong.
            form.errors = {
                "_schema": [
                    _("This account is disabled. Ask your administrator to switch it on again.")
                    if disabled
                    else _("Wrong username or password.")
                ]
            }
            status = 403 if disabled else 401
        else:
            status = 422 if "_schema" not in form.errors else 401
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # Every session of the account ends, and its remember cookie with it: a copy of a
        # cookie taken before signing out signs nobody in afterwards.
        current_user.session_version += 1
        end_sign_in(current_user)
        db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.post("/locale")
def set_locale():
    locale = request.form.get("locale", "")
    if locale in SUPPORTED_LOCALES:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.get("/")
@login_required
def home():
    user = db.session.scalar(
        services.with_assignments(sa.select(User).where(User.id == current_user.id))
    )
    services.attach_nodes(db.session, [user])
    work = work_items(db.session, current_scope(), today())
    return render_template(
        "accounts/home.html",
        user=user,
        role_label=services.role_label,
        work=work,
        notices=reminders.unread(db.session, user.id),
        notice_kind=reminders.describe_kind,
    )


@bp.post("/notifications/read")
@login_required
def notifications_read():
    """Every unread notification marked read (the home page's button)."""
    reminders.mark_read(db.session, current_user.id)
    db.session.commit()
    return redirect(url_for("accounts.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = empty_form()
    status = 200
    if request.method == "POST":
        form = load_form(PasswordChangeSchema())
        form.values = {}
        if form.ok:
            try:
                services.change_own_password(
                    db.session,
                    current_user,
                    form.data["current_password"],
                    form.data["new_password"],
                )
                db.session.commit()
                login_user(current_user, fresh=True)  # the session id carries the new version
                flash(_("Your password was changed."), "success")
                return redirect(url_for("accounts.home"))
            except DomainError as exc:
                refused(form, exc)
        status = 422
    return render_template("accounts/password.html", form=form), status


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    new_token = None
    if request.method == "POST":
        try:
            new_token = services.issue_token(db.session, current_user, request.form.get("name", ""))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.fields.get("name", [exc.message])[0], "error")
    rows = db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.created_at.desc())
    ).all()
    return render_template("accounts/tokens.html", tokens=rows, new_token=new_token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id)
    )
    if token is None:
        abort(404)
    services.revoke_token(db.session, current_user, token)
    db.session.commit()
    flash(_("The token was revoked."), "success")
    return redirect(url_for("accounts.tokens"))


# --- users ---------------------------------------------------------------------------------


def _grantable_roles() -> list[Role]:
    """Roles the current user could grant somewhere (the check at a node happens on submit)."""
    scope = current_scope()
    declared = registry()
    roots = scope.nodes("users.manage")
    roles = services.roles_with_grants(db.session)
    return [r for r in roles if any(may_grant(scope, r.patterns, root, declared) for root in roots)]


@bp.get("/users")
@permission_required("users.manage")
def users():
    q = request.args.get("q", "").strip()[:64]
    stmt = services.with_assignments(sa.select(User))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            sa.or_(User.username.ilike(like), User.display_name.like(like), User.mobile.like(like))
        )
    page = paginate(scoped(stmt.order_by(User.username), User, "users.manage"))
    services.attach_nodes(db.session, page.items)
    return render_template("accounts/users.html", page=page, q=q, role_label=services.role_label)


def _xlsx_download(content: bytes, name: str) -> Response:
    """A workbook as a download named ``<name>-<date>.xlsx``, never cached."""
    response = send_file(
        io.BytesIO(content),
        mimetype=XLSX_MIMETYPE,
        as_attachment=True,
        download_name=f"{name}-{bulk.stamp()}.xlsx",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/users/bulk")
@permission_required("users.manage")
def users_bulk():
    """The users list's bulk actions on the ticked accounts: disable, new one-time passwords
    (shown once, on a printable sheet) or an xlsx of them. All or nothing."""
    action = request.form.get("action", "")
    if action not in ("disable", "reset_password", "export"):
        abort(404)
    back = redirect(url_for("accounts.users"), 303)
    try:
        ids = bulk.chosen_ids(request.form.getlist("ids"))
        users = bulk.users_in_scope(db.session, ids)
        if action == "export":
            content = write_xlsx(bulk.EXPORT_COLUMNS, bulk.export_rows(db.session, users), "users")
            return _xlsx_download(content, "users")
        if action == "disable":
            changed = bulk.disable(db.session, current_scope(), users, current_user)
            db.session.commit()
            flash(_("%(n)s accounts were disabled.", n=changed), "success")
            return back
        issued = bulk.reset_passwords(db.session, current_scope(), users)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return back
    response = make_response(render_template("accounts/passwords.html", issued=issued))
    response.headers["Cache-Control"] = "no-store"  # the passwords are shown this once
    return response


def _places(permission: str):
    found = places.search(db.session, current_scope(), permission, request.args.get("q", ""))
    return jsonify({"items": places.labelled(db.session, found)})


@bp.get("/users/places")
@permission_required("users.manage")
def user_places():
    """The place picker of the user pages: places where the admin manages users."""
    return _places("users.manage")


@bp.get("/audit/places")
@permission_required("audit.view")
def audit_places():
    """The audit log's place filter: places whose log the reader may read."""
    return _places("audit.view")


@bp.get("/audit/users")
@permission_required("audit.view")
def audit_users():
    """The audit log's user filter: accounts of the part of the tree whose log the reader
    may read."""
    found = places.search_users(
        db.session, current_scope(), "audit.view", request.args.get("q", "")
    )
    return jsonify({"items": found})


def picked_user(username: str | None) -> str:
    """What the user filter's box shows for the username it holds: the account's label when
    the reader may see it, the name as typed otherwise."""
    if not username:
        return ""
    found = places.search_users(db.session, current_scope(), "audit.view", username)
    return next((item["label"] for item in found if item["id"] == username), username)


def picked(ref: str | None, permission: str = "users.manage") -> str:
    """What a picker box shows for the place code it holds when the page comes back: its label
    for a place in the user's scope, the code as typed otherwise (never another's name)."""
    node = node_ref(db.session, ref=ref) if ref else None
    if node is None or not current_scope().allows(permission, node):
        return ref or ""
    return places.labelled(db.session, [node])[0]["label"]


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required("users.manage")
def new_user():
    roots = current_scope().nodes("users.manage")
    form = empty_form(home_node=roots[0].ref if roots else "")
    status = 200
    if request.method == "POST":
        form = load_form(UserCreateSchema())
        form.values.pop("password", None)
        if form.ok:
            try:
                home = services.managed_node(
                    db.session, current_scope(), form.data["home_node"], "home_node"
                )
                user = services.create_user(
                    db.session,
                    username=form.data["username"],
                    display_name=form.data["display_name"],
                    password=form.data["password"],
                    home_node_id=home.id,
                    mobile=form.data["mobile"],
                    locale=form.data["locale"],
                    must_change_password=True,
                )
                db.session.commit()
                flash(
                    _("Account %(name)s was created. Give it a role below.", name=user.username),
                    "success",
                )
                return redirect(url_for("accounts.user", user_id=user.id))
            except DomainError as exc:
                status = refused(form, exc)
        else:
            status = 422
    return render_template("accounts/user_new.html", form=form, roots=roots, picked=picked), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required("users.manage")
def user(user_id: int):
    target = services.user_in_scope_or_404(user_id)
    manageable = services.can_manage_user(db.session, current_scope(), target)
    form = empty_form(
        display_name=target.display_name,
        mobile=target.mobile or "",
        active="true" if target.active else "",
        locale=target.locale or "",
    )
    status = 200
    if request.method == "POST":
        if not manageable:
            abort(403)
        form = load_form(UserUpdateSchema())
        form.values.pop("password", None)
        data = dict(form.data)
        data.setdefault("active", False)  # an unchecked box is not sent
        new_password = data.pop("password", None)

        def write() -> None:
            services.update_user(db.session, target, actor=current_user, **data)
            if new_password:
                services.reset_password(db.session, target, new_password)

        saved, status = save(form, write)
        if saved:
            return redirect(url_for("accounts.user", user_id=target.id))
    services.attach_nodes(db.session, [target])
    return render_template(
        "accounts/user.html",
        target=target,
        sign_ins=bulk.sign_ins(db.session, target),
        form=form,
        manageable=manageable,
        role_options=[
            (r.key, f"{services.role_label(r)} ({services.kinds_label(services.role_kinds(r))})")
            for r in _grantable_roles()
        ],
        role_label=services.role_label,
        assign_form=empty_form(),
        picked=picked,
    ), status


@bp.post("/users/<int:user_id>/assignments")
@permission_required("users.manage")
def add_assignment(user_id: int):
    target = services.user_in_scope_or_404(user_id)
    try:
        services.grant(
            db.session,
            current_scope(),
            registry(),
            user=target,
            role_key=request.form.get("role", ""),
            node_ref_text=request.form.get("node", ""),
            actor_id=current_user.id,
        )
        db.session.commit()
        if target.id == current_user.id:
            reset_scope()
        flash(_("Role given."), "success")
    except DomainError as exc:
        db.session.rollback()
        detail = next(iter(exc.fields.values()), [exc.message])[0]
        flash(detail, "error")
        return redirect(url_for("accounts.user", user_id=target.id)), 303
    return redirect(url_for("accounts.user", user_id=target.id))


@bp.post("/users/<int:user_id>/assignments/<int:assignment_id>/delete")
@permission_required("users.manage")
def remove_assignment(user_id: int, assignment_id: int):
    target = services.user_in_scope_or_404(user_id)
    assignment = next((a for a in target.assignments if a.id == assignment_id), None)
    if assignment is None:
        abort(404)
    try:
        services.revoke(db.session, current_scope(), registry(), assignment)
        db.session.commit()
        flash(_("Role removed."), "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("accounts.user", user_id=target.id))


# --- roles ---------------------------------------------------------------------------------


@bp.route("/roles", methods=["GET", "POST"])
@permission_required("users.manage")
def roles():
    form = empty_form()
    status = 200
    if request.method == "POST":
        from core.accounts.schemas import RoleCreateSchema

        form = load_form(RoleCreateSchema(), multi=("permissions", "node_kinds"))

        def write() -> None:
            services.create_role(
                db.session,
                current_scope(),
                registry(),
                key=form.data["key"],
                name=form.data["name"],
                permissions=form.data["permissions"],
                node=current_scope().nodes("users.manage")[0],
                node_kinds=form.data["node_kinds"],
            )

        saved, status = save(form, write, message=_("Role created."))
        if saved:
            return redirect(url_for("accounts.roles"))
    return render_template(
        "accounts/roles.html",
        roles=services.roles_with_grants(db.session),
        form=form,
        permissions=list(registry()),
        role_label=services.role_label,
        role_kinds=lambda role: services.kinds_label(services.role_kinds(role)),
        kinds=list(services.KIND_LABELS.items()),
    ), status


# --- audit log -----------------------------------------------------------------------------


def _audit_filters() -> tuple[audit_log.Filters, dict[str, list[str]]]:
    """The page's filters, or none and the refused argument's message (shown on the form)."""
    try:
        return audit_log.parse_filters(db.session, current_scope(), request.args), {}
    except DomainError as exc:
        return audit_log.Filters(), exc.fields


@bp.get("/audit", endpoint="audit_log")
@permission_required("audit.view")
def audit_log_page():
    filters, errors = _audit_filters()
    page = paginate(audit_log.entries(filters))
    return render_template(
        "accounts/audit.html",
        page=page,
        filters=filters,
        args=request.args,
        errors=errors,
        actions=audit_log.action_choices(),
        label_of=audit_log.label_of,
        summary_of=audit.summary_of,
        links=audit_log.links(db.session, current_scope(), page.items),
        places=audit_log.places(db.session, page.items),
        failed_sign_in=audit_log.FAILED_SIGN_IN,
        place_form=FormResult(
            {"place": request.args.get("place", ""), "user": request.args.get("user", "")},
            None,
            errors,
        ),
        picked=picked,
        picked_user=picked_user,
    ), (422 if errors else 200)


@bp.get("/audit.xlsx")
@permission_required("audit.view")
def audit_export():
    """The filtered log as xlsx, in the reader's language; the export is itself audited."""
    filters = audit_log.parse_filters(db.session, current_scope(), request.args)
    content = write_xlsx(
        audit_log.EXPORT_COLUMNS,
        audit_log.export_rows(db.session, audit_log.entries(filters)),
        _("Audit log"),
    )
    audit.record(
        "audit.export",
        node=filters.place or current_scope().nodes("audit.view")[0],
        object_type="export",
        object_id="audit",
        summary=_l("Exported the audit log"),
        details={"filters": filters.args()},
    )
    db.session.commit()
    return _xlsx_download(content, "audit")
