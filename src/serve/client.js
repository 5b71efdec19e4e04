/* pingyi 预览:生成后刷新页面;生成失败时显示错误 */(function(){
var gen=__GENERATION__,box=null,text=null,badge=null,shown=null,back=null;
var INK="#1a1a1a",RED="#a4000f",FONT="16px/1.6 system-ui,'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif";
function el(tag,css,content){var e=document.createElement(tag);e.style.cssText=css;if(content)e.textContent=content;return e;}
function button(label){return el("button","font:"+FONT+";font-weight:bold;color:"+INK+";background:#fff;border:2px solid "+INK+";border-radius:4px;padding:6px 16px;cursor:pointer",label);}
function build(){
box=el("div","position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;margin:0;padding:24px 32px;background:#fff;color:"+INK+";font:"+FONT+";text-align:left");
box.id="pingyi-error";box.tabIndex=-1;
box.setAttribute("role","alertdialog");box.setAttribute("aria-modal","true");
box.setAttribute("aria-labelledby","pingyi-error-title");box.setAttribute("aria-describedby","pingyi-error-text");
var head=el("div","display:flex;flex-wrap:wrap;gap:12px 24px;align-items:center;justify-content:space-between;margin:0 0 8px");
var h=el("h2","margin:0;color:"+RED+";font:bold 22px/1.4 system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif","生成失败:改好后会自动刷新");h.id="pingyi-error-title";
var close=button("关闭(Esc)");close.type="button";close.onclick=hide;
head.appendChild(h);head.appendChild(close);
var note=el("p","margin:0 0 16px","下面是每处错误的文件、行号和改法。关闭后看到的是上次生成成功的页面。");
text=el("pre","margin:0;white-space:pre-wrap;overflow-wrap:anywhere;padding:16px;background:#f4f4f4;color:"+INK+";border-left:4px solid "+RED+";font:15px/1.6 ui-monospace,'Noto Sans Mono CJK SC',Consolas,'Microsoft YaHei',monospace");
text.id="pingyi-error-text";
box.appendChild(head);box.appendChild(note);box.appendChild(text);
box.addEventListener("keydown",function(e){
if(e.key==="Escape"){e.preventDefault();hide();}
else if(e.key==="Tab"){e.preventDefault();close.focus();}
});
}
function show(t){
shown=t;if(!box)build();text.textContent=t;
if(badge){badge.remove();badge=null;}
if(!box.isConnected){back=document.activeElement;document.body.appendChild(box);box.focus();}
}
function hide(){
if(box)box.remove();
if(!badge){badge=button("生成失败:查看错误");badge.type="button";badge.id="pingyi-error-badge";
badge.style.cssText+=";position:fixed;right:16px;bottom:16px;z-index:2147483647;color:#fff;background:"+RED+";border-color:"+RED;
badge.onclick=function(){show(shown);};document.body.appendChild(badge);}
if(back&&back.focus)back.focus();
}
function clear(){if(box&&box.isConnected){box.remove();if(back&&back.focus)back.focus();}if(badge){badge.remove();badge=null;}shown=null;}
var first=JSON.parse(document.currentScript.previousElementSibling.textContent);
if(first)document.addEventListener("DOMContentLoaded",function(){show(first);});
var es=new EventSource("__EVENTS__");
es.onmessage=function(m){var s=JSON.parse(m.data);
if(s.error){if(s.error!==shown||(box&&box.isConnected))show(s.error);}
else if(s.generation!==gen){location.reload();}
else{clear();}};
})();
