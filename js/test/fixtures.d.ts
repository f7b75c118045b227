// Recorded server streams are imported as text (esbuild --loader:.sse=text).
declare module "*.sse" {
  const text: string;
  export default text;
}
