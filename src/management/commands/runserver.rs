//! `runserver [ADDR:PORT]`: the development server.

use crate::management::{Command, CommandContext, CommandError, checks, flag};
use crate::site::Site;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use std::net::SocketAddr;

/// `roan runserver`.
pub struct RunServer;

impl Command for RunServer {
    fn name(&self) -> &'static str {
        "runserver"
    }

    fn about(&self) -> &'static str {
        "Start the development server (autoreloads when run through the roan binary)"
    }

    fn configure(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(
            clap::Arg::new("addrport")
                .value_name("ADDR:PORT")
                .help("Address and port, or a port alone [default: 127.0.0.1:8000]"),
        )
        .arg(flag("noreload", "Do not watch the project for changes"))
    }

    fn handle(&self, ctx: &CommandContext, args: &clap::ArgMatches) -> Result<(), CommandError> {
        let raw = args
            .get_one::<String>("addrport")
            .map(String::as_str)
            .unwrap_or("127.0.0.1:8000");
        let addr = parse_addrport(raw)?;
        eprintln!("Performing system checks...\n");
        let site = ctx.site()?;
        if checks::report(&checks::run(ctx.project(), &site)) {
            return Err(CommandError::new(
                "system check found errors; fix them before starting the server",
            ));
        }
        let runtime = ctx.runtime()?;
        runtime.block_on(warn_unapplied(ctx, &site));
        runtime.block_on(serve(site, addr))
    }
}

/// Django's reminder: unapplied migrations are listed by app before the server starts.
async fn warn_unapplied(ctx: &CommandContext<'_>, site: &Site) {
    let Ok(graph) = crate::migrations::load_graph(ctx.project()) else {
        return;
    };
    if graph.ordered().is_empty() {
        return;
    }
    let db = match site.db().await {
        Ok(db) => db,
        Err(e) => {
            eprintln!(
                "Warning: cannot connect to the database ({e}); pages that use it will fail.\n"
            );
            return;
        }
    };
    // Reading only: the table of applied migrations is not created here.
    let has_table = sea_orm_migration::SchemaManager::new(db)
        .has_table(crate::migrations::recorder::TABLE)
        .await
        .unwrap_or(false);
    let applied = if has_table {
        match crate::migrations::recorder::applied(db).await {
            Ok(a) => a,
            Err(_) => return,
        }
    } else {
        Default::default()
    };
    let pending: Vec<_> = graph
        .ordered()
        .iter()
        .filter(|m| !applied.contains(&m.key()))
        .collect();
    if pending.is_empty() {
        return;
    }
    let mut apps: Vec<&str> = pending.iter().map(|m| m.app.as_str()).collect();
    apps.sort();
    apps.dedup();
    eprintln!(
        "You have {} unapplied migration(s). Your project may not work properly until you apply the migrations for app(s): {}.\nRun 'roan migrate' to apply them.\n",
        pending.len(),
        apps.join(", ")
    );
}

/// `8000`, `0.0.0.0:8000`, `[::1]:8000` or `localhost:8000`.
pub fn parse_addrport(raw: &str) -> Result<SocketAddr, CommandError> {
    let bad = || {
        CommandError::usage(format!(
            "\"{raw}\" is not a valid port number or address:port pair; write e.g. 8000 or 127.0.0.1:8000"
        ))
    };
    if let Ok(port) = raw.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    if let Some(port) = raw.strip_prefix("localhost:") {
        return port
            .parse::<u16>()
            .map(|p| SocketAddr::from(([127, 0, 0, 1], p)))
            .map_err(|_| bad());
    }
    raw.parse::<SocketAddr>().map_err(|_| bad())
}

async fn serve(site: Site, addr: SocketAddr) -> Result<(), CommandError> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            CommandError::new(format!(
                "that port is already in use ({addr}); stop the other server or run `roan runserver {}`",
                addr.port().wrapping_add(1)
            ))
        } else {
            CommandError::new(format!("cannot listen on {addr}: {e}"))
        }
    })?;
    let bound = listener.local_addr().unwrap_or(addr);
    let settings = site.settings();
    eprintln!(
        "{}\nroan version {}, using settings {}\nStarting development server at http://{bound}/\nQuit the server with CONTROL-C.",
        chrono::Local::now().format("%B %d, %Y - %H:%M:%S"),
        env!("CARGO_PKG_VERSION"),
        settings.settings_file.display(),
    );
    // Without TCP_NODELAY a response written in pieces (a streamed file) waits for the
    // client's delayed ACK: 40 ms per static file.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::trace!("cannot set TCP_NODELAY: {e}");
        }
    });
    let service = site.service();
    let served = if let Some(path) = std::env::var_os(crate::launcher::BUILD_ERROR_ENV) {
        let path = std::path::PathBuf::from(path);
        let site = site.clone();
        let router =
            axum::Router::new()
                .fallback_service(service)
                .layer(axum::middleware::from_fn(
                    move |req: Request, next: Next| {
                        let path = path.clone();
                        let site = site.clone();
                        async move { build_error_page(&site, &path, req, next).await }
                    },
                ));
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown_signal())
            .await
    } else {
        axum::serve(listener, axum::ServiceExt::into_make_service(service))
            .with_graceful_shutdown(shutdown_signal())
            .await
    };
    served.map_err(|e| CommandError::new(format!("server error: {e}")))
}

/// While the last build failed, a browser page load shows the compiler's error; other requests
/// (scripts, curl) are still served by the last good build.
async fn build_error_page(
    site: &Site,
    path: &std::path::Path,
    req: Request,
    next: Next,
) -> Response {
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html
        && let Ok(error) = tokio::fs::read_to_string(path).await
        && !error.trim().is_empty()
    {
        let ctx = minijinja::context! { project_name => site.project_name(), error };
        if let Ok(html) = site.templates().render("roan/build_error.html", ctx) {
            return (StatusCode::INTERNAL_SERVER_ERROR, Html(html)).into_response();
        }
    }
    next.run(req).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::parse_addrport;

    #[test]
    fn addrport_forms() {
        assert_eq!(
            parse_addrport("8001").unwrap().to_string(),
            "127.0.0.1:8001"
        );
        assert_eq!(
            parse_addrport("0.0.0.0:80").unwrap().to_string(),
            "0.0.0.0:80"
        );
        assert_eq!(
            parse_addrport("localhost:9").unwrap().to_string(),
            "127.0.0.1:9"
        );
        assert!(parse_addrport("nope").is_err());
        assert_eq!(parse_addrport("x:1").unwrap_err().code, 2);
    }
}
