import type { Child } from 'hono/jsx';

/** The shell of every page: stylesheet, the live-update script, navigation. */
export function Page(props: { title: string; children: Child; signedIn?: boolean }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · mixkeeper`}</title>
        <link rel="icon" href="/ui/assets/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/ui/assets/style.css" />
        <script src="/ui/assets/live.js" defer></script>
      </head>
      <body>
        <header>
          <strong>mixkeeper</strong>
          <a href="/ui">Rooms</a>
          <a href="/ui/layouts">Layouts</a>
          <a href="/admin/queues">Queues</a>
          <a href="/docs">API</a>
          {props.signedIn === false ? null : (
            <form method="post" action="/ui/logout">
              <button type="submit">Sign out</button>
            </form>
          )}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** `12:34:56.789` (UTC), with the full time on hover. */
export function Time(props: { at: number }) {
  const iso = new Date(props.at).toISOString();
  return (
    <time datetime={iso} title={iso}>
      {iso.slice(11, 23)}
    </time>
  );
}

export function StatusBadge(props: { status: string }) {
  return <span class={`status status-${props.status}`}>{props.status}</span>;
}
