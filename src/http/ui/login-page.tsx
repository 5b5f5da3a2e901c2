import { Page } from './page.js';

/** The one form that takes ADMIN_TOKEN; it is posted once and traded for a session cookie. */
export function LoginPage(props: { next: string; failed?: boolean; unconfigured?: boolean }) {
  return (
    <Page title="Sign in" signedIn={false}>
      <form class="login" method="post" action="/ui/login">
        <h1>Sign in</h1>
        {props.unconfigured ? (
          <p class="error">ADMIN_TOKEN is not set on this server: the operator pages are closed.</p>
        ) : null}
        {props.failed ? <p class="error">That token is not right.</p> : null}
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
        <input type="hidden" name="next" value={props.next} />
        <button type="submit">Sign in</button>
      </form>
    </Page>
  );
}
