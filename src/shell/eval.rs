//! Evaluating shell lines: models, managers, querysets and instances as a Django user knows
//! them, on the project's database.

use super::class_name;
use super::parse::{self, Expr, Literal, Stmt};
use crate::db::objects::{self, Row};
use crate::db::query::{LOOKUPS, QuerySet};
use crate::db::{FieldType, ModelState};
use sea_orm::DatabaseConnection;
use serde_json::{Map, Value as Json};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A value in the shell.
#[derive(Debug, Clone)]
enum V {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    DateTime(chrono::NaiveDateTime),
    List(Vec<V>),
    Tuple(Vec<V>),
    Dict(Vec<(V, V)>),
    Module(&'static str),
    Builtin(&'static str),
    Model(usize),
    Query(Rc<Query>),
    Instance(Rc<RefCell<Instance>>),
    Method(Box<V>, String),
}

/// A manager or queryset: the model and what narrows it.
#[derive(Debug, Clone)]
struct Query {
    model: usize,
    groups: Vec<(bool, Vec<(String, Json)>)>,
    order: Vec<String>,
    slice: Option<(u64, Option<u64>)>,
    /// A related manager (`q.choice_set`): the foreign key column and the parent's key.
    parent: Option<(String, Json)>,
    manager: bool,
}

#[derive(Debug)]
struct Instance {
    model: usize,
    row: Row,
}

/// Why a line failed: Django's exception name and message.
struct Raise(String);

type R<T> = Result<T, Raise>;

fn raise<T>(kind: &str, message: impl AsRef<str>) -> R<T> {
    Err(Raise(format!("{kind}: {}", message.as_ref())))
}

/// A shell session: the models, the database, the names bound so far.
pub struct Session {
    models: Vec<ModelState>,
    displays: Vec<crate::db::display::Display>,
    db: DatabaseConnection,
    runtime: tokio::runtime::Runtime,
    vars: BTreeMap<String, V>,
}

impl Session {
    /// A session on `db` with `models` (every installed model, contrib ones included), each
    /// bound to its class name.
    pub fn new(models: Vec<ModelState>, db: DatabaseConnection) -> std::io::Result<Session> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Session::with_runtime(models, db, runtime))
    }

    fn with_runtime(
        models: Vec<ModelState>,
        db: DatabaseConnection,
        runtime: tokio::runtime::Runtime,
    ) -> Session {
        let mut vars = BTreeMap::new();
        for (i, m) in models.iter().enumerate() {
            vars.insert(class_name(&m.name), V::Model(i));
        }
        vars.insert("timezone".into(), V::Module("timezone"));
        for b in ["print", "len", "list", "str", "int", "repr"] {
            vars.insert(b.into(), V::Builtin(b));
        }
        Session {
            models,
            displays: Vec::new(),
            db,
            runtime,
            vars,
        }
    }

    /// A session on the default database of `settings`. With `auto_import` false (Django's
    /// `--no-imports`) the models are bound only by `from app.models import Name`.
    pub fn connect(
        models: Vec<ModelState>,
        settings: &crate::conf::Settings,
        auto_import: bool,
    ) -> Result<Session, sea_orm::DbErr> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
        let db = runtime.block_on(crate::db::connect(
            settings,
            crate::db::connect::Purpose::Serve,
        ))?;
        let mut session = Session::with_runtime(models, db, runtime);
        if !auto_import {
            session.vars.retain(|_, v| !matches!(v, V::Model(_)));
        }
        Ok(session)
    }

    /// The models bound automatically, as Django 5.2 lists them with `-v 2`
    /// (`from polls.models import Choice, Question`).
    pub fn imported(&self) -> Vec<String> {
        let mut by_app: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for m in &self.models {
            if matches!(self.vars.get(&class_name(&m.name)), Some(V::Model(_))) {
                by_app.entry(&m.app).or_default().push(class_name(&m.name));
            }
        }
        by_app
            .into_iter()
            .map(|(app, names)| format!("from {app}.models import {}", names.join(", ")))
            .collect()
    }

    /// How many models are bound by their class names.
    pub fn imported_count(&self) -> usize {
        self.vars
            .values()
            .filter(|v| matches!(v, V::Model(_)))
            .count()
    }

    /// A session on a fresh in-memory SQLite database with the models' tables created (for
    /// examples and tests).
    pub fn in_memory(models: Vec<ModelState>) -> Result<Session, sea_orm::DbErr> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
        let db = runtime.block_on(async {
            let db = sea_orm::Database::connect("sqlite::memory:").await?;
            for m in &models {
                for sql in
                    crate::migrations::schema::create_table(m, &m.table, sea_orm::DbBackend::Sqlite)
                {
                    sea_orm::ConnectionTrait::execute_unprepared(&db, &sql).await?;
                }
            }
            Ok::<_, sea_orm::DbErr>(db)
        })?;
        Ok(Session::with_runtime(models, db, runtime))
    }

    /// Shows the rows of the models these are for through their `Display` (`App::model_display`),
    /// as Django shows `__str__`.
    pub fn with_displays(mut self, displays: Vec<crate::db::display::Display>) -> Session {
        self.displays = displays;
        self
    }

    /// The `Display` texts of rows of `model` by key, when it has one.
    fn shown(&self, model: usize, keys: Vec<Json>) -> BTreeMap<String, String> {
        let table = &self.models[model].table;
        let Some(display) = self.displays.iter().find(|d| d.table == table) else {
            return BTreeMap::new();
        };
        match self.runtime.block_on((display.show)(&self.db, keys)) {
            Ok(pairs) => pairs
                .into_iter()
                .map(|(k, text)| (objects::value_text(&k), text))
                .collect(),
            Err(_) => BTreeMap::new(),
        }
    }

    fn instance_text(
        &self,
        model: usize,
        pk: Option<&Json>,
        shown: &BTreeMap<String, String>,
    ) -> String {
        if let Some(text) = pk.and_then(|k| shown.get(&objects::value_text(k))) {
            return text.clone();
        }
        format!(
            "{} object ({})",
            class_name(&self.models[model].name),
            pk.map(objects::value_text).unwrap_or_else(|| "None".into())
        )
    }

    /// The names a line may start with (for completion): the models and the names bound.
    pub fn names(&self) -> Vec<String> {
        self.vars.keys().cloned().collect()
    }

    /// Completions of `text` (the end of a line): names, then after `.` the attributes of
    /// what is before it, and inside `filter(` the fields and lookups.
    pub fn complete(&self, text: &str) -> Vec<String> {
        let start = text
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .map(|i| i + 1)
            .unwrap_or(0);
        let word = &text[start..];
        if let Some((object, partial)) = word.rsplit_once('.') {
            let Ok(stmts) = parse::parse(object) else {
                return Vec::new();
            };
            let [Stmt::Expr(e)] = stmts.as_slice() else {
                return Vec::new();
            };
            let attrs = match self.peek(e) {
                Some(V::Model(_)) => vec!["objects", "DoesNotExist", "MultipleObjectsReturned"],
                Some(V::Query(_)) => QUERY_METHODS.to_vec(),
                Some(V::Module("timezone")) => vec!["now"],
                Some(V::Instance(i)) => {
                    let m = &self.models[i.borrow().model];
                    let mut names: Vec<&str> = m.fields.iter().map(|f| f.name.as_str()).collect();
                    names.extend(["save", "delete", "pk"]);
                    return names
                        .into_iter()
                        .filter(|n| n.starts_with(partial))
                        .map(|n| format!("{}{object}.{n}", &text[..start]))
                        .collect();
                }
                _ => Vec::new(),
            };
            return attrs
                .into_iter()
                .filter(|a| a.starts_with(partial))
                .map(|a| format!("{}{object}.{a}", &text[..start]))
                .collect();
        }
        // Inside a call's parentheses: keyword names (fields and field__lookups).
        if let Some(open) = text[..start].rfind('(')
            && let Some(model) = self.model_of_call(&text[..open])
        {
            let m = &self.models[model];
            let mut out = Vec::new();
            let (field, partial) = word.rsplit_once("__").unwrap_or(("", word));
            if field.is_empty() {
                for f in &m.fields {
                    if f.name.starts_with(word) {
                        out.push(format!("{}{}", &text[..start], f.name));
                    }
                }
            } else {
                for l in LOOKUPS.iter().filter(|l| l.starts_with(partial)) {
                    out.push(format!("{}{field}__{l}", &text[..start]));
                }
            }
            return out;
        }
        self.vars
            .keys()
            .filter(|n| n.starts_with(word))
            .map(|n| format!("{}{n}", &text[..start]))
            .collect()
    }

    fn model_of_call(&self, callee: &str) -> Option<usize> {
        let callee = callee.trim_end();
        let start = callee
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .map(|i| i + 1)
            .unwrap_or(0);
        let (object, _method) = callee[start..].rsplit_once('.')?;
        let stmts = parse::parse(object).ok()?;
        let [Stmt::Expr(e)] = stmts.as_slice() else {
            return None;
        };
        match self.peek(e)? {
            V::Query(q) => Some(q.model),
            _ => None,
        }
    }

    /// The value of an expression that needs no database (names, attributes of models), for
    /// completion.
    fn peek(&self, e: &Expr) -> Option<V> {
        match e {
            Expr::Name(n) => self.vars.get(n).cloned(),
            Expr::Attr(obj, attr) => match (self.peek(obj)?, attr.as_str()) {
                (V::Model(m), "objects") => Some(V::Query(Rc::new(Query::manager(m)))),
                (V::Query(q), _) if QUERY_METHODS.contains(&attr.as_str()) => Some(V::Query(q)),
                _ => None,
            },
            Expr::Call(f, _, _) => match f.as_ref() {
                Expr::Attr(obj, _) => match self.peek(obj)? {
                    V::Query(q) => Some(V::Query(q)),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// Runs a line (statements separated by `;`); gives what the shell prints: each
    /// expression's repr, `print` output, or the error as one line (`NameError: ...`).
    pub fn run(&mut self, line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let stmts = match parse::parse(line) {
            Ok(s) => s,
            Err(e) => return vec![e.to_string()],
        };
        for stmt in stmts {
            match self.exec(stmt, &mut out) {
                Ok(()) => {}
                Err(Raise(message)) => {
                    out.push(message);
                    break;
                }
            }
        }
        out
    }

    fn exec(&mut self, stmt: Stmt, out: &mut Vec<String>) -> R<()> {
        match stmt {
            Stmt::Import(names) => {
                for n in names {
                    if n == "timezone" {
                        self.vars.insert(n, V::Module("timezone"));
                    } else if let Some(i) =
                        self.models.iter().position(|m| class_name(&m.name) == n)
                    {
                        self.vars.insert(n, V::Model(i));
                    } else if !self.vars.contains_key(&n) && n != "models" && n != "django" {
                        return raise("ImportError", format!("cannot import name '{n}'"));
                    }
                }
                Ok(())
            }
            Stmt::Assign(name, e) => {
                let v = self.eval(&e, out)?;
                self.vars.insert(name, v);
                Ok(())
            }
            Stmt::SetAttr(obj, attr, e) => {
                let target = self.eval(&obj, out)?;
                let value = self.eval(&e, out)?;
                let V::Instance(inst) = target else {
                    return raise(
                        "AttributeError",
                        format!(
                            "'{}' object attribute '{attr}' is read-only",
                            self.type_name(&target)
                        ),
                    );
                };
                let model = inst.borrow().model;
                let m = &self.models[model];
                let column = m
                    .fields
                    .iter()
                    .find(|f| f.name == attr || f.name == format!("{attr}_id"))
                    .map(|f| f.name.clone());
                match column {
                    Some(c) => {
                        let json = self.to_json(&value);
                        inst.borrow_mut().row.insert(c, json);
                        Ok(())
                    }
                    None => raise(
                        "AttributeError",
                        format!("'{}' object has no attribute '{attr}'", class_name(&m.name)),
                    ),
                }
            }
            Stmt::Expr(e) => {
                let v = self.eval(&e, out)?;
                if !matches!(v, V::None) {
                    let text = self.repr(&v)?;
                    out.push(text);
                }
                Ok(())
            }
        }
    }

    fn type_name(&self, v: &V) -> String {
        match v {
            V::None => "NoneType".into(),
            V::Bool(_) => "bool".into(),
            V::Int(_) => "int".into(),
            V::Float(_) => "float".into(),
            V::Str(_) => "str".into(),
            V::DateTime(_) => "datetime.datetime".into(),
            V::List(_) => "list".into(),
            V::Tuple(_) => "tuple".into(),
            V::Dict(_) => "dict".into(),
            V::Module(_) => "module".into(),
            V::Builtin(_) | V::Method(..) => "builtin_function_or_method".into(),
            V::Model(_) => "ModelBase".into(),
            V::Query(q) => {
                if q.manager {
                    "Manager".into()
                } else {
                    "QuerySet".into()
                }
            }
            V::Instance(i) => class_name(&self.models[i.borrow().model].name),
        }
    }

    fn eval(&mut self, e: &Expr, out: &mut Vec<String>) -> R<V> {
        match e {
            Expr::Literal(l) => Ok(match l {
                Literal::None => V::None,
                Literal::Bool(b) => V::Bool(*b),
                Literal::Int(i) => V::Int(*i),
                Literal::Float(f) => V::Float(*f),
                Literal::Str(s) => V::Str(s.clone()),
            }),
            Expr::Name(n) => self
                .vars
                .get(n)
                .cloned()
                .map(Ok)
                .unwrap_or_else(|| raise("NameError", format!("name '{n}' is not defined"))),
            Expr::List(items) => Ok(V::List(
                items.iter().map(|i| self.eval(i, out)).collect::<R<_>>()?,
            )),
            Expr::Dict(pairs) => {
                let mut out_pairs = Vec::new();
                for (k, v) in pairs {
                    let k = self.eval(k, out)?;
                    let v = self.eval(v, out)?;
                    out_pairs.push((k, v));
                }
                Ok(V::Dict(out_pairs))
            }
            Expr::Neg(inner) => match self.eval(inner, out)? {
                V::Int(i) => Ok(V::Int(-i)),
                V::Float(f) => Ok(V::Float(-f)),
                other => raise(
                    "TypeError",
                    format!("bad operand type for unary -: '{}'", self.type_name(&other)),
                ),
            },
            Expr::Binary(l, op, r) => {
                let l = self.eval(l, out)?;
                let r = self.eval(r, out)?;
                self.binary(&l, op, &r)
            }
            Expr::Attr(obj, attr) => {
                let v = self.eval(obj, out)?;
                self.attr(v, attr)
            }
            Expr::Call(f, args, kwargs) => {
                let callee = self.eval(f, out)?;
                let args: Vec<V> = args.iter().map(|a| self.eval(a, out)).collect::<R<_>>()?;
                let mut kw = Vec::new();
                for (k, v) in kwargs {
                    kw.push((k.clone(), self.eval(v, out)?));
                }
                self.call(callee, args, kw, out)
            }
            Expr::Index(obj, index) => {
                let v = self.eval(obj, out)?;
                let i = self.eval(index, out)?;
                self.index(v, i)
            }
            Expr::Slice(obj, start, end) => {
                let v = self.eval(obj, out)?;
                let num = |s: &mut Session,
                           e: &Option<Box<Expr>>,
                           out: &mut Vec<String>|
                 -> R<Option<u64>> {
                    match e {
                        None => Ok(None),
                        Some(e) => match s.eval(e, out)? {
                            V::Int(i) if i >= 0 => Ok(Some(i as u64)),
                            _ => raise("ValueError", "Negative indexing is not supported."),
                        },
                    }
                };
                let a = num(self, start, out)?.unwrap_or(0);
                let b = num(self, end, out)?;
                match v {
                    V::Query(q) => {
                        let mut q = (*q).clone();
                        q.manager = false;
                        q.slice = Some(match q.slice {
                            Some((s, e)) => {
                                let new_end = match (b, e) {
                                    (Some(b), Some(e)) => Some((s + b).min(e)),
                                    (Some(b), None) => Some(s + b),
                                    (None, e) => e,
                                };
                                (s + a, new_end)
                            }
                            None => (a, b),
                        });
                        Ok(V::Query(Rc::new(q)))
                    }
                    V::List(items) => {
                        let end = b
                            .map(|b| b as usize)
                            .unwrap_or(items.len())
                            .min(items.len());
                        Ok(V::List(items[(a as usize).min(end)..end].to_vec()))
                    }
                    other => raise(
                        "TypeError",
                        format!("'{}' object is not subscriptable", self.type_name(&other)),
                    ),
                }
            }
        }
    }

    fn binary(&self, l: &V, op: &str, r: &V) -> R<V> {
        Ok(match (l, op, r) {
            (V::Int(a), "+", V::Int(b)) => V::Int(a + b),
            (V::Int(a), "-", V::Int(b)) => V::Int(a - b),
            (V::Int(a), "*", V::Int(b)) => V::Int(a * b),
            (V::Str(a), "+", V::Str(b)) => V::Str(format!("{a}{b}")),
            (_, "==", _) => V::Bool(self.to_json(l) == self.to_json(r)),
            (_, "!=", _) => V::Bool(self.to_json(l) != self.to_json(r)),
            (V::Int(a), "<", V::Int(b)) => V::Bool(a < b),
            (V::Int(a), ">", V::Int(b)) => V::Bool(a > b),
            (V::Int(a), "<=", V::Int(b)) => V::Bool(a <= b),
            (V::Int(a), ">=", V::Int(b)) => V::Bool(a >= b),
            _ => {
                return raise(
                    "TypeError",
                    format!(
                        "unsupported operand type(s) for {op}: '{}' and '{}'",
                        self.type_name(l),
                        self.type_name(r)
                    ),
                );
            }
        })
    }

    fn index(&mut self, v: V, i: V) -> R<V> {
        match (v, i) {
            (V::Query(q), V::Int(i)) if i >= 0 => {
                let mut q = (*q).clone();
                q.slice = Some((i as u64, Some(i as u64 + 1)));
                let rows = self.rows(&q)?;
                match rows.into_iter().next() {
                    Some(row) => Ok(self.instance(q.model, row)),
                    None => raise("IndexError", "list index out of range"),
                }
            }
            (V::List(items) | V::Tuple(items), V::Int(i)) => {
                let idx = if i < 0 { items.len() as i64 + i } else { i };
                items
                    .get(idx as usize)
                    .cloned()
                    .map(Ok)
                    .unwrap_or_else(|| raise("IndexError", "list index out of range"))
            }
            (V::Dict(pairs), k) => {
                let key = self.to_json(&k);
                pairs
                    .iter()
                    .find(|(pk, _)| self.to_json(pk) == key)
                    .map(|(_, v)| Ok(v.clone()))
                    .unwrap_or_else(|| raise("KeyError", self.repr(&k).unwrap_or_default()))
            }
            (v, _) => raise(
                "TypeError",
                format!("'{}' object is not subscriptable", self.type_name(&v)),
            ),
        }
    }

    fn attr(&mut self, v: V, attr: &str) -> R<V> {
        match &v {
            V::Model(m) => match attr {
                "objects" => Ok(V::Query(Rc::new(Query::manager(*m)))),
                _ => raise(
                    "AttributeError",
                    format!(
                        "type object '{}' has no attribute '{attr}'",
                        class_name(&self.models[*m].name)
                    ),
                ),
            },
            V::Module("timezone") if attr == "now" => {
                Ok(V::Method(Box::new(v.clone()), attr.into()))
            }
            V::Query(_) if QUERY_METHODS.contains(&attr) => {
                Ok(V::Method(Box::new(v.clone()), attr.into()))
            }
            V::Instance(inst) => {
                let (model, row) = {
                    let i = inst.borrow();
                    (i.model, i.row.clone())
                };
                let m = self.models[model].clone();
                if matches!(attr, "save" | "delete" | "refresh_from_db") {
                    return Ok(V::Method(Box::new(v.clone()), attr.into()));
                }
                let pk = m.fields.iter().find(|f| f.primary_key);
                if attr == "pk" {
                    return Ok(pk
                        .and_then(|f| row.get(&f.name))
                        .map(|j| self.value_of_json(j, pk.map(|f| f.field_type)))
                        .unwrap_or(V::None));
                }
                if let Some(f) = m.fields.iter().find(|f| f.name == attr) {
                    let j = row.get(&f.name).cloned().unwrap_or(Json::Null);
                    return Ok(self.value_of_json(&j, Some(f.field_type)));
                }
                // A foreign key by its relation name: the row it points at.
                if let Some(f) = m.fields.iter().find(|f| f.name == format!("{attr}_id"))
                    && let Some(fk) = &f.foreign_key
                {
                    let key = row.get(&f.name).cloned().unwrap_or(Json::Null);
                    if key.is_null() {
                        return Ok(V::None);
                    }
                    let Some(target) = self.models.iter().position(|t| t.table == fk.to_table)
                    else {
                        return Ok(self.value_of_json(&key, None));
                    };
                    let q = Query {
                        groups: vec![(false, vec![(fk.to_column.clone(), key)])],
                        ..Query::manager(target)
                    };
                    return self.get(&q);
                }
                // `<model>_set`: the rows of another model that point at this one.
                if let Some(name) = attr.strip_suffix("_set")
                    && let Some((other, column)) =
                        self.models.iter().enumerate().find_map(|(i, o)| {
                            (o.name == name)
                                .then(|| {
                                    o.fields.iter().find(|f| {
                                        f.foreign_key
                                            .as_ref()
                                            .is_some_and(|fk| fk.to_table == m.table)
                                    })
                                })
                                .flatten()
                                .map(|f| (i, f.name.clone()))
                        })
                {
                    let key = pk
                        .and_then(|f| row.get(&f.name))
                        .cloned()
                        .unwrap_or(Json::Null);
                    return Ok(V::Query(Rc::new(Query {
                        parent: Some((column, key)),
                        ..Query::manager(other)
                    })));
                }
                raise(
                    "AttributeError",
                    format!("'{}' object has no attribute '{attr}'", class_name(&m.name)),
                )
            }
            other => raise(
                "AttributeError",
                format!(
                    "'{}' object has no attribute '{attr}'",
                    self.type_name(other)
                ),
            ),
        }
    }

    fn call(
        &mut self,
        callee: V,
        args: Vec<V>,
        kw: Vec<(String, V)>,
        out: &mut Vec<String>,
    ) -> R<V> {
        match callee {
            V::Builtin("print") => {
                let parts: Vec<String> = args.iter().map(|a| self.str(a)).collect::<R<_>>()?;
                out.push(parts.join(" "));
                Ok(V::None)
            }
            V::Builtin("repr") => Ok(V::Str(self.repr(args.first().unwrap_or(&V::None))?)),
            V::Builtin("str") => Ok(V::Str(self.str(args.first().unwrap_or(&V::None))?)),
            V::Builtin("int") => match args.first() {
                Some(V::Int(i)) => Ok(V::Int(*i)),
                Some(V::Str(s)) => s.trim().parse().map(V::Int).or_else(|_| {
                    raise(
                        "ValueError",
                        format!("invalid literal for int() with base 10: '{s}'"),
                    )
                }),
                _ => raise("TypeError", "int() argument must be a string or a number"),
            },
            V::Builtin("len") | V::Builtin("list") => {
                let items = match args.into_iter().next() {
                    Some(V::Query(q)) => self
                        .rows(&q)?
                        .into_iter()
                        .map(|r| self.instance(q.model, r))
                        .collect(),
                    Some(V::List(l) | V::Tuple(l)) => l,
                    Some(V::Str(s)) => s.chars().map(|c| V::Str(c.to_string())).collect(),
                    Some(other) => {
                        return raise(
                            "TypeError",
                            format!("object of type '{}' has no len()", self.type_name(&other)),
                        );
                    }
                    None => Vec::new(),
                };
                if matches!(callee, V::Builtin("len")) {
                    Ok(V::Int(items.len() as i64))
                } else {
                    Ok(V::List(items))
                }
            }
            V::Model(m) => {
                if !args.is_empty() {
                    return raise("TypeError", "Model() takes keyword arguments only here");
                }
                let model = self.models[m].clone();
                let mut row = Row::new();
                for f in &model.fields {
                    let default = match &f.default {
                        Some(crate::db::DefaultValue::Int(i)) => Json::from(*i),
                        Some(crate::db::DefaultValue::Bool(b)) => Json::Bool(*b),
                        Some(crate::db::DefaultValue::Str(s)) => Json::String(s.clone()),
                        Some(crate::db::DefaultValue::Float(x)) => Json::from(*x),
                        _ => Json::Null,
                    };
                    row.insert(f.name.clone(), default);
                }
                for (k, v) in kw {
                    let Some(f) = model.fields.iter().find(|f| {
                        f.name == k || f.name == format!("{k}_id") || (k == "pk" && f.primary_key)
                    }) else {
                        return raise(
                            "TypeError",
                            format!(
                                "{}() got unexpected keyword arguments: '{k}'",
                                class_name(&model.name)
                            ),
                        );
                    };
                    row.insert(f.name.clone(), self.to_json(&v));
                }
                Ok(V::Instance(Rc::new(RefCell::new(Instance {
                    model: m,
                    row,
                }))))
            }
            V::Method(recv, name) => self.method(*recv, &name, args, kw),
            other => raise(
                "TypeError",
                format!("'{}' object is not callable", self.type_name(&other)),
            ),
        }
    }

    fn method(&mut self, recv: V, name: &str, args: Vec<V>, kw: Vec<(String, V)>) -> R<V> {
        match recv {
            V::Module("timezone") => Ok(V::DateTime(chrono::Utc::now().naive_utc())),
            V::Query(q) => self.query_method(&q, name, args, kw),
            V::Instance(inst) => self.instance_method(&inst, name),
            _ => raise("AttributeError", name),
        }
    }

    fn kwargs(&self, kw: &[(String, V)]) -> Vec<(String, Json)> {
        kw.iter()
            .map(|(k, v)| (k.clone(), self.to_json(v)))
            .collect()
    }

    fn query_method(&mut self, q: &Query, name: &str, args: Vec<V>, kw: Vec<(String, V)>) -> R<V> {
        let narrowed = |q: &Query, negated: bool, kw: Vec<(String, Json)>| {
            let mut q = q.clone();
            q.manager = false;
            if !kw.is_empty() {
                q.groups.push((negated, kw));
            }
            q
        };
        match name {
            "all" => Ok(V::Query(Rc::new(narrowed(q, false, Vec::new())))),
            "filter" | "exclude" => {
                let next = narrowed(q, name == "exclude", self.kwargs(&kw));
                self.build(&next)?;
                Ok(V::Query(Rc::new(next)))
            }
            "order_by" => {
                let mut next = narrowed(q, false, Vec::new());
                next.order = args.iter().map(|a| self.str(a)).collect::<R<_>>()?;
                self.build(&next)?;
                Ok(V::Query(Rc::new(next)))
            }
            "count" => {
                let qs = self.build(q)?;
                let n = self
                    .runtime
                    .block_on(qs.count(&self.db))
                    .map_err(|e| Raise(e.to_string()))?;
                Ok(V::Int(n as i64))
            }
            "exists" => {
                let qs = self.build(q)?;
                let b = self
                    .runtime
                    .block_on(qs.exists(&self.db))
                    .map_err(|e| Raise(e.to_string()))?;
                Ok(V::Bool(b))
            }
            "first" | "last" => {
                let qs = self.build(q)?;
                let row = if name == "first" {
                    self.runtime.block_on(qs.first(&self.db))
                } else {
                    self.runtime.block_on(qs.last(&self.db))
                }
                .map_err(|e| Raise(e.to_string()))?;
                Ok(row.map(|r| self.instance(q.model, r)).unwrap_or(V::None))
            }
            "get" => {
                let next = narrowed(q, false, self.kwargs(&kw));
                self.get(&next)
            }
            "create" => {
                let mut kw = kw;
                if let Some((column, parent)) = &q.parent {
                    let rel = column.strip_suffix("_id").unwrap_or(column).to_string();
                    kw.push((rel, self.value_of_json(parent, None)));
                }
                let inst = self.call(V::Model(q.model), Vec::new(), kw, &mut Vec::new())?;
                if let V::Instance(i) = &inst {
                    self.save(i)?;
                }
                Ok(inst)
            }
            "get_or_create" => {
                let next = narrowed(q, false, self.kwargs(&kw));
                match self.get(&next) {
                    Ok(found) => Ok(V::Tuple(vec![found, V::Bool(false)])),
                    Err(Raise(m)) if m.contains("DoesNotExist") => {
                        let made = self.query_method(q, "create", Vec::new(), kw)?;
                        Ok(V::Tuple(vec![made, V::Bool(true)]))
                    }
                    Err(e) => Err(e),
                }
            }
            "values" | "values_list" => {
                let rows = self.rows(q)?;
                let model = self.models[q.model].clone();
                let fields: Vec<String> = if args.is_empty() {
                    model.fields.iter().map(|f| f.name.clone()).collect()
                } else {
                    args.iter().map(|a| self.str(a)).collect::<R<_>>()?
                };
                let flat = kw
                    .iter()
                    .any(|(k, v)| k == "flat" && matches!(v, V::Bool(true)));
                if flat && fields.len() != 1 {
                    return raise(
                        "TypeError",
                        "'flat' is not valid when values_list is called with more than one field.",
                    );
                }
                let mut items = Vec::new();
                for row in rows {
                    let mut values = Vec::new();
                    for f in &fields {
                        let column = model.fields.iter().find(|x| {
                            x.name == *f
                                || x.name == format!("{f}_id")
                                || (f == "pk" && x.primary_key)
                        });
                        let Some(column) = column else {
                            return raise(
                                "FieldError",
                                format!("Cannot resolve keyword '{f}' into field."),
                            );
                        };
                        let j = row.get(&column.name).cloned().unwrap_or(Json::Null);
                        values.push((
                            V::Str(f.clone()),
                            self.value_of_json(&j, Some(column.field_type)),
                        ));
                    }
                    items.push(if name == "values" {
                        V::Dict(values)
                    } else if flat {
                        values.remove(0).1
                    } else {
                        V::Tuple(values.into_iter().map(|(_, v)| v).collect())
                    });
                }
                Ok(V::List(items))
            }
            "update" => {
                let qs = self.build(q)?;
                let values = self.kwargs(&kw);
                let refs: Vec<(&str, Json)> = values
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.clone()))
                    .collect();
                let n = self
                    .runtime
                    .block_on(qs.update(&self.db, &refs))
                    .map_err(|e| Raise(e.to_string()))?;
                Ok(V::Int(n as i64))
            }
            "delete" => {
                let qs = self.build(q)?;
                let n = self
                    .runtime
                    .block_on(qs.delete(&self.db))
                    .map_err(|e| Raise(e.to_string()))?;
                Ok(self.deleted(q.model, n))
            }
            _ => raise(
                "AttributeError",
                format!("'QuerySet' object has no attribute '{name}'"),
            ),
        }
    }

    fn deleted(&self, model: usize, n: u64) -> V {
        let m = &self.models[model];
        let label = format!("{}.{}", m.app, class_name(&m.name));
        let counts = if n == 0 {
            Vec::new()
        } else {
            vec![(V::Str(label), V::Int(n as i64))]
        };
        V::Tuple(vec![V::Int(n as i64), V::Dict(counts)])
    }

    fn instance_method(&mut self, inst: &Rc<RefCell<Instance>>, name: &str) -> R<V> {
        match name {
            "save" => {
                self.save(inst)?;
                Ok(V::None)
            }
            "delete" => {
                let (model, pk) = self.pk_of(inst);
                let Some(pk) = pk else {
                    return raise(
                        "ValueError",
                        format!(
                            "{} object can't be deleted because its id attribute is set to None.",
                            class_name(&self.models[model].name)
                        ),
                    );
                };
                let q = Query {
                    groups: vec![(false, vec![("pk".into(), pk)])],
                    ..Query::manager(model)
                };
                let qs = self.build(&q)?;
                let n = self
                    .runtime
                    .block_on(qs.delete(&self.db))
                    .map_err(|e| Raise(e.to_string()))?;
                Ok(self.deleted(model, n))
            }
            "refresh_from_db" => {
                let (model, pk) = self.pk_of(inst);
                let q = Query {
                    groups: vec![(false, vec![("pk".into(), pk.unwrap_or(Json::Null))])],
                    ..Query::manager(model)
                };
                if let V::Instance(fresh) = self.get(&q)? {
                    let row = fresh.borrow().row.clone();
                    inst.borrow_mut().row = row;
                }
                Ok(V::None)
            }
            _ => raise("AttributeError", name),
        }
    }

    fn pk_of(&self, inst: &Rc<RefCell<Instance>>) -> (usize, Option<Json>) {
        let i = inst.borrow();
        let m = &self.models[i.model];
        let pk = m
            .fields
            .iter()
            .find(|f| f.primary_key)
            .and_then(|f| i.row.get(&f.name))
            .filter(|v| !v.is_null())
            .cloned();
        (i.model, pk)
    }

    fn save(&mut self, inst: &Rc<RefCell<Instance>>) -> R<()> {
        let (model, pk) = self.pk_of(inst);
        let m = self.models[model].clone();
        let row = inst.borrow().row.clone();
        let mut values = Vec::new();
        for f in &m.fields {
            let Some(v) = row.get(&f.name) else { continue };
            if f.primary_key && f.auto_increment && (v.is_null() || pk.is_some()) {
                continue;
            }
            let stored = objects::value_of(f, v)
                .map_err(|e| Raise(format!("ValidationError: {{'{}': ['{e}']}}", f.name)))?;
            values.push((f.name.clone(), stored));
        }
        let result = match &pk {
            Some(key) => {
                let key = objects::value_text(key);
                let exists = self
                    .runtime
                    .block_on(objects::get(&self.db, &m, &key))
                    .map_err(|e| Raise(e.to_string()))?
                    .is_some();
                if exists {
                    self.runtime
                        .block_on(objects::update_values(&self.db, &m, &key, values))
                        .map(|r| r.unwrap_or_default())
                } else {
                    self.runtime
                        .block_on(objects::insert(&self.db, &m, values, Some(key)))
                }
            }
            None => self
                .runtime
                .block_on(objects::insert(&self.db, &m, values, None)),
        };
        let saved = result.map_err(|e| match e {
            objects::ObjectError::Db(db) => Raise(format!("IntegrityError: {db}")),
            other => Raise(other.to_string()),
        })?;
        inst.borrow_mut().row = saved;
        Ok(())
    }

    fn get(&mut self, q: &Query) -> R<V> {
        let mut limited = q.clone();
        limited.slice = Some((0, Some(2)));
        limited.order.clear();
        let rows = self.rows(&limited)?;
        let name = class_name(&self.models[q.model].name);
        match rows.len() {
            0 => Err(Raise(format!(
                "{}.models.{name}.DoesNotExist: {name} matching query does not exist.",
                self.models[q.model].app
            ))),
            1 => Ok(self.instance(q.model, rows.into_iter().next().unwrap_or_default())),
            _ => {
                let n = self.build(q)?;
                let count = self
                    .runtime
                    .block_on(n.count(&self.db))
                    .map_err(|e| Raise(e.to_string()))?;
                Err(Raise(format!(
                    "{}.models.{name}.MultipleObjectsReturned: get() returned more than one \
                     {name} -- it returned {count}!",
                    self.models[q.model].app
                )))
            }
        }
    }

    fn build(&self, q: &Query) -> R<QuerySet<'_>> {
        let m = &self.models[q.model];
        let mut qs = QuerySet::new(&self.models, &m.table).map_err(|e| Raise(e.to_string()))?;
        if let Some((column, key)) = &q.parent {
            qs = qs
                .filter(&[(column.as_str(), key.clone())])
                .map_err(|e| Raise(e.to_string()))?;
        }
        for (negated, conditions) in &q.groups {
            let refs: Vec<(&str, Json)> = conditions
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect();
            qs = if *negated {
                qs.exclude(&refs)
            } else {
                qs.filter(&refs)
            }
            .map_err(|e| Raise(e.to_string()))?;
        }
        if !q.order.is_empty() {
            let refs: Vec<&str> = q.order.iter().map(String::as_str).collect();
            qs = qs.order_by(&refs).map_err(|e| Raise(e.to_string()))?;
        }
        if let Some((start, end)) = q.slice {
            qs = qs.slice(start, end);
        }
        Ok(qs)
    }

    fn rows(&self, q: &Query) -> R<Vec<Row>> {
        let qs = self.build(q)?;
        let mut ordered = qs;
        if q.order.is_empty() {
            ordered = ordered
                .order_by(&["pk"])
                .map_err(|e| Raise(e.to_string()))?;
        }
        self.runtime
            .block_on(ordered.all(&self.db))
            .map_err(|e| Raise(e.to_string()))
    }

    fn instance(&self, model: usize, row: Row) -> V {
        V::Instance(Rc::new(RefCell::new(Instance { model, row })))
    }

    fn value_of_json(&self, j: &Json, t: Option<FieldType>) -> V {
        match (j, t) {
            (Json::Null, _) => V::None,
            (Json::Bool(b), _) => V::Bool(*b),
            (Json::Number(n), Some(FieldType::Boolean)) => V::Bool(n.as_i64() != Some(0)),
            (Json::Number(n), _) => n
                .as_i64()
                .map(V::Int)
                .unwrap_or_else(|| V::Float(n.as_f64().unwrap_or(0.0))),
            (Json::String(s), Some(FieldType::DateTime | FieldType::DateTimeTz)) => {
                chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
                    .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
                    .or_else(|_| chrono::DateTime::parse_from_rfc3339(s).map(|d| d.naive_utc()))
                    .map(V::DateTime)
                    .unwrap_or_else(|_| V::Str(s.clone()))
            }
            (Json::String(s), _) => V::Str(s.clone()),
            (Json::Array(items), _) => {
                V::List(items.iter().map(|i| self.value_of_json(i, None)).collect())
            }
            (Json::Object(map), _) => V::Dict(
                map.iter()
                    .map(|(k, v)| (V::Str(k.clone()), self.value_of_json(v, None)))
                    .collect(),
            ),
        }
    }

    fn to_json(&self, v: &V) -> Json {
        match v {
            V::None => Json::Null,
            V::Bool(b) => Json::Bool(*b),
            V::Int(i) => Json::from(*i),
            V::Float(f) => Json::from(*f),
            V::Str(s) => Json::String(s.clone()),
            V::DateTime(d) => Json::String(d.format("%Y-%m-%d %H:%M:%S%.f").to_string()),
            V::List(items) | V::Tuple(items) => {
                Json::Array(items.iter().map(|i| self.to_json(i)).collect())
            }
            V::Dict(pairs) => Json::Object(
                pairs
                    .iter()
                    .map(|(k, v)| (self.str(k).unwrap_or_default(), self.to_json(v)))
                    .collect::<Map<_, _>>(),
            ),
            V::Instance(i) => self.pk_of(i).1.unwrap_or(Json::Null),
            _ => Json::Null,
        }
    }

    fn str(&self, v: &V) -> R<String> {
        match v {
            V::Str(s) => Ok(s.clone()),
            V::Instance(i) => {
                let (model, pk) = self.pk_of(i);
                let shown = match &pk {
                    Some(k) => self.shown(model, vec![k.clone()]),
                    None => BTreeMap::new(),
                };
                Ok(self.instance_text(model, pk.as_ref(), &shown))
            }
            V::DateTime(d) => Ok(d.format("%Y-%m-%d %H:%M:%S%.f").to_string()),
            other => self.repr(other),
        }
    }

    fn repr(&self, v: &V) -> R<String> {
        Ok(match v {
            V::None => "None".into(),
            V::Bool(true) => "True".into(),
            V::Bool(false) => "False".into(),
            V::Int(i) => i.to_string(),
            V::Float(f) => {
                if f.fract() == 0.0 && f.is_finite() {
                    format!("{f:.1}")
                } else {
                    f.to_string()
                }
            }
            V::Str(s) => {
                if s.contains('\'') && !s.contains('"') {
                    format!("\"{s}\"")
                } else {
                    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
                }
            }
            V::DateTime(d) => {
                use chrono::{Datelike, Timelike};
                let mut parts = vec![
                    d.year().to_string(),
                    d.month().to_string(),
                    d.day().to_string(),
                    d.hour().to_string(),
                    d.minute().to_string(),
                ];
                let micro = d.nanosecond() / 1000;
                if d.second() != 0 || micro != 0 {
                    parts.push(d.second().to_string());
                }
                if micro != 0 {
                    parts.push(micro.to_string());
                }
                format!("datetime.datetime({})", parts.join(", "))
            }
            V::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|i| self.repr(i))
                    .collect::<R<Vec<_>>>()?
                    .join(", ")
            ),
            V::Tuple(items) => {
                let inner = items.iter().map(|i| self.repr(i)).collect::<R<Vec<_>>>()?;
                if inner.len() == 1 {
                    format!("({},)", inner[0])
                } else {
                    format!("({})", inner.join(", "))
                }
            }
            V::Dict(pairs) => {
                let inner = pairs
                    .iter()
                    .map(|(k, v)| Ok(format!("{}: {}", self.repr(k)?, self.repr(v)?)))
                    .collect::<R<Vec<_>>>()?;
                format!("{{{}}}", inner.join(", "))
            }
            V::Module(name) => format!("<module 'django.utils.{name}'>"),
            V::Builtin(name) => format!("<built-in function {name}>"),
            V::Method(_, name) => format!("<bound method {name}>"),
            V::Model(m) => {
                let model = &self.models[*m];
                format!("<class '{}.models.{}'>", model.app, class_name(&model.name))
            }
            V::Query(q) => {
                if q.manager {
                    let model = &self.models[q.model];
                    return Ok(format!(
                        "<django.db.models.manager.Manager object for {}.{}>",
                        model.app,
                        class_name(&model.name)
                    ));
                }
                // As Django: at most 20 shown, then a note.
                let mut limited = (**q).clone();
                limited.slice = Some(match q.slice {
                    Some((s, Some(e))) => (s, Some(e.min(s + 21))),
                    Some((s, None)) => (s, Some(s + 21)),
                    None => (0, Some(21)),
                });
                let rows = self.rows(&limited)?;
                let truncated = rows.len() > 20;
                let pk = self.models[q.model]
                    .fields
                    .iter()
                    .find(|f| f.primary_key)
                    .map(|f| f.name.clone())
                    .unwrap_or_default();
                let keys: Vec<Json> = rows.iter().filter_map(|r| r.get(&pk).cloned()).collect();
                let texts = self.shown(q.model, keys);
                let name = class_name(&self.models[q.model].name);
                let mut shown: Vec<String> = rows
                    .iter()
                    .take(20)
                    .map(|r| {
                        format!(
                            "<{name}: {}>",
                            self.instance_text(q.model, r.get(&pk), &texts)
                        )
                    })
                    .collect();
                if truncated {
                    shown.push("'...(remaining elements truncated)...'".into());
                }
                format!("<QuerySet [{}]>", shown.join(", "))
            }
            V::Instance(i) => {
                let name = class_name(&self.models[i.borrow().model].name);
                format!("<{name}: {}>", self.str(v)?)
            }
        })
    }
}

impl Query {
    fn manager(model: usize) -> Query {
        Query {
            model,
            groups: Vec::new(),
            order: Vec::new(),
            slice: None,
            parent: None,
            manager: true,
        }
    }
}

/// The methods of a manager or queryset.
const QUERY_METHODS: &[&str] = &[
    "all",
    "filter",
    "exclude",
    "order_by",
    "get",
    "create",
    "get_or_create",
    "count",
    "exists",
    "first",
    "last",
    "values",
    "values_list",
    "update",
    "delete",
];
