export function App() {
  return (
    <main>
      <h1>Trellis</h1>
      <p>A local-first, real-time collaborative project board.</p>
    </main>
  );
}
