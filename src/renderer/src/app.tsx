import { APP_NAME } from '../../shared/app-identity';

export function App() {
  return (
    <main>
      <h1>{APP_NAME}</h1>
      <p>The fleet, keys and traffic views arrive with the console milestones.</p>
    </main>
  );
}
