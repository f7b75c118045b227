/** The lab build loads CSS as text (see uistyle.ts). */
declare module "*.css" {
  const text: string;
  export default text;
}
