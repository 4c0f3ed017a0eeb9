import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { ApiClient, ApiError, explainError } from '../api/client';
import { useAuth } from './AuthProvider';

export function SignInPage({ apiUrl }: { apiUrl: string }) {
  const auth = useAuth();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);

  async function verify(candidate: string) {
    const probe = new ApiClient({ baseUrl: apiUrl, getToken: () => candidate });
    try {
      await probe.suggestions();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        throw new Error('The server did not accept that token. Copy the token `make up` printed, exactly.');
      }
      throw new Error(explainError(error));
    }
  }

  return (
    <main className="pca-signin">
      <Container
        header={
          <Header variant="h1" description="Ask questions about your contact centre's calls in plain language.">
            Post-call analytics
          </Header>
        }
      >
        <SpaceBetween size="l">
          {auth.error && (
            <Alert type="error" header="Not signed in">
              {auth.error}
            </Alert>
          )}
          {auth.mode === 'cognito' ? (
            <SpaceBetween size="s">
              <Box>Sign in with your company account to continue.</Box>
              <Button variant="primary" onClick={() => void auth.signIn()}>
                Sign in
              </Button>
            </SpaceBetween>
          ) : (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                setBusy(true);
                void auth.signInWithToken(token, verify).finally(() => setBusy(false));
              }}
            >
              <Form
                actions={
                  <Button variant="primary" formAction="submit" loading={busy}>
                    Sign in
                  </Button>
                }
              >
                <FormField
                  label="Local token"
                  description={`This site talks to the local server at ${apiUrl}. Paste the token that \`make up\` printed.`}
                >
                  <Input
                    type="password"
                    value={token}
                    onChange={({ detail }) => setToken(detail.value)}
                    ariaLabel="Local token"
                    autoFocus
                  />
                </FormField>
              </Form>
            </form>
          )}
        </SpaceBetween>
      </Container>
    </main>
  );
}
