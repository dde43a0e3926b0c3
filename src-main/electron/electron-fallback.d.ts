// Stand-in types used only when the optional `electron` package is not installed
// (a plain `npm install` here drops it). With it installed, tsconfig's path mapping
// resolves the real types first and main.ts is checked against them.
/* eslint-disable @typescript-eslint/no-explicit-any */
export declare const app: any;
export declare const BrowserWindow: any;
export declare const session: any;
export declare const shell: any;
export declare const dialog: any;
export declare const Tray: any;
export declare const Menu: any;
export declare const nativeImage: any;
export declare const screen: any;
